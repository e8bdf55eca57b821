/**
 * SMPP 3.4 carrier: one bind_transceiver, a window of submit_sm, enquire_link keep-alive, reconnect with
 * backoff, delivery receipts and MO messages from deliver_sm.
 *
 * start(): resolves once bound, or after the first attempt fails, whether the SMSC cannot be reached or
 * refuses the bind; it never rejects. The link keeps retrying in the background and sends answer 'SMPP
 * link down' meanwhile (their messages wait in the outbox): neither an SMSC outage nor a wrong password
 * in one carrier's entry may keep the server, with on-net messaging and Fetch, from starting. A refusal
 * of our credentials is retried on a longer backoff (`reconnect.refusedMinMs`…`refusedMaxMs`), so the
 * account is not locked meanwhile; the link reports `down` until a bind succeeds. The link's state
 * changes are logged (`link.ts`): one line when it goes down, one when it is back.
 */
import smpp from 'smpp';
import type { CarrierAdapter, CarrierEvents, LinkState, OutboundSms, SendOutcome } from '../../app/ports.js';
import { concatUdh, countSegments, encodeGsm7, encodeUcs2, splitText } from '../../domain/segments.js';
import { type ResolvedSmppConfig, type SmppCarrierConfig, unrecordedBound } from './config.js';
import { reportDeliverSm } from './deliver.js';
import { type LinkLog, LinkReporter, reconnectDelay } from './link.js';
import { DeliverSmRespPdu, type SubmitSmFields, SubmitSmPdu, tapPduBodies } from './pdu.js';
import { readWithFastResponses } from './reader.js';
import { isCredentialRefusal, statusLabel } from './status.js';
import { InFlight, retry, type Submitted } from './submit.js';
import { SubmitWindow } from './window.js';

/** The empty `short_message` of a PDU whose text travels elsewhere (or not yet set). */
const NO_TEXT = Buffer.alloc(0);

export type { SmppCarrierConfig } from './config.js';

/** Build the SMPP carrier from its config slice; `log` gets the link's state changes. */
export function makeSmppAdapter(config: SmppCarrierConfig, log?: LinkLog): CarrierAdapter {
  return new SmppCarrier(config, log);
}

class SmppCarrier implements CarrierAdapter {
  readonly name: string;
  /**
   * The crash bound (`maxUnrecorded`): deliver holds a slot per message from the send until its
   * outcome is committed. The window (`#window`) is separate: its slot is free at `submit_sm_resp`.
   */
  readonly maxInFlight: number;
  /** `window`: submit_sm awaiting their submit_sm_resp at most (`#window`). */
  readonly window: number;
  #session: smpp.Session | undefined;
  #bound = false;
  #closing = false;
  /** The last bind attempt was refused: its status, until an attempt ends otherwise. */
  #refused: number | undefined;
  #everBound = false;
  #attempt = 0;
  readonly #report: LinkReporter;
  #ref = Math.floor(Math.random() * 256);
  #reconnectTimer: NodeJS.Timeout | undefined;
  #enquireTimer: NodeJS.Timeout | undefined;
  #events: CarrierEvents | undefined;
  readonly #window: SubmitWindow;
  readonly #inflight: InFlight;
  readonly #boundWaiters = new Set<() => void>();
  /** The socket corked for this turn of the event loop (see #corkTurn), if any. */
  #corked: smpp.Session['socket'] | undefined;

  hasCapacity(): boolean {
    return this.#bound && this.#window.available > 0;
  }

  link(): LinkState {
    if (this.#bound) return 'up';
    return this.#closing || this.#refused !== undefined ? 'down' : 'connecting';
  }

  /** submit_sm sent and not yet answered: the window slots in use. */
  inFlight(): number {
    return this.#inflight.size;
  }

  constructor(
    private readonly cfg: ResolvedSmppConfig,
    log: LinkLog | undefined,
  ) {
    this.name = cfg.name;
    this.#report = new LinkReporter(log, cfg);
    this.maxInFlight = unrecordedBound(cfg);
    this.window = cfg.window;
    this.#inflight = new InFlight(cfg.submitTimeoutMs, () => this.#window.pump());
    this.#window = new SubmitWindow(cfg.window, this.#inflight, (f, signal, resolve) =>
      this.#write(f, signal, resolve),
    );
  }

  start(events: CarrierEvents): Promise<void> {
    this.#events = events;
    return new Promise((resolve) => this.#connect(resolve));
  }

  async send(msg: OutboundSms, signal: AbortSignal): Promise<SendOutcome> {
    if (signal.aborted) return retry('aborted');
    const count = countSegments(msg.body);
    if (count.segments > this.cfg.maxParts) {
      return { ok: false, retryable: false, kind: 'rejected', reason: 'Message is too long' };
    }
    const pdus = this.#buildPdus(msg, count.encoding, count.segments);
    if (!(await this.#waitBound(signal))) return retry(signal.aborted ? 'aborted' : 'SMPP link down');
    const refs: string[] = [];
    for (const pdu of pdus) {
      const r = await this.#window.submit(pdu, signal);
      if (!r.ok) return r.outcome;
      refs.push(r.id);
    }
    return { ok: true, carrierRefs: refs };
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#enquireTimer);
    this.#inflight.close();
    for (const wake of this.#boundWaiters) wake();
    const session = this.#session;
    if (!session || session.socket.closed) return;
    const closed = new Promise<void>((resolve) => session.socket.once('close', () => resolve()));
    if (this.#bound && !session.socket.destroyed) {
      // §4.2: unbind and wait for unbind_resp, but never hang shutdown on a silent SMSC.
      const force = setTimeout(() => session.destroy(), 1_000);
      session.unbind({}, () => session.close());
      await closed;
      clearTimeout(force);
    } else {
      session.destroy();
      await closed;
    }
  }

  #buildPdus(msg: OutboundSms, encoding: 'gsm7' | 'ucs2', segments: number): SubmitSmFields[] {
    const c = this.cfg;
    const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;
    // An alphanumeric sender goes as TON 5 / NPI 0 (§5.2.5, §5.2.6); a number without its '+'.
    const alpha = /[^+\d]/.test(msg.from);
    // `short_message` is in `base` already, so each PDU below only overrides fields: on Node 20 (V8 11)
    // a spread followed by a field the spread object lacks takes V8's slow path (about 0.6 µs a PDU
    // here; docs/benchmarks.md, "Object spreads on the hot path").
    const base: SubmitSmFields = {
      short_message: NO_TEXT,
      source_addr_ton: alpha ? 5 : c.sourceTon,
      source_addr_npi: alpha ? 0 : c.sourceNpi,
      source_addr: alpha ? msg.from : msg.from.replace(/^\+/, ''),
      dest_addr_ton: c.destTon,
      dest_addr_npi: c.destNpi,
      destination_addr: msg.to.replace(/^\+/, ''),
      registered_delivery: c.registeredDelivery,
      // From config: many SMSCs want 0 for GSM text, some 1.
      data_coding: encoding === 'gsm7' ? c.dataCoding.gsm7 : c.dataCoding.ucs2,
      esm_class: 0,
    };
    if (!c.split) return [{ ...base, message_payload: encode(msg.body) }];
    // One segment (most texts): the whole body, without splitting it again.
    if (segments === 1) return [{ ...base, short_message: encode(msg.body) }];
    const { parts } = splitText(msg.body, { encoding });
    if (parts.length === 1) return [{ ...base, short_message: encode(parts[0]!) }];
    this.#ref = (this.#ref + 1) & 0xff;
    const ref = this.#ref;
    return parts.map((p, i) => ({
      ...base,
      esm_class: 0x40, // UDHI (§5.2.12): short_message starts with a UDH
      short_message: Buffer.concat([concatUdh(ref, parts.length, i + 1), encode(p)]),
    }));
  }

  #waitBound(signal: AbortSignal): Promise<boolean> {
    if (this.#bound) return Promise.resolve(true);
    if (this.#closing || signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#boundWaiters.delete(done);
        resolve(this.#bound);
      };
      const timer = setTimeout(done, this.cfg.linkWaitMs);
      signal.addEventListener('abort', done, { once: true });
      this.#boundWaiters.add(done);
    });
  }

  /** Write one submit now: it holds a window slot until it settles (`InFlight`). */
  #write(fields: SubmitSmFields, signal: AbortSignal, resolve: (r: Submitted) => void): void {
    const session = this.#session;
    if (!this.#bound || !session) {
      resolve({ ok: false, outcome: retry('SMPP link down') });
      return;
    }
    const p = this.#inflight.start(resolve, signal);
    this.#corkTurn(session);
    if (!session.send(new SubmitSmPdu(fields), p.onResponse)) {
      p.finish({ ok: false, outcome: retry('SMPP link down') });
    }
  }

  /**
   * smpp 0.5 writes each PDU with its own socket.write (one syscall each: 14% of the CPU at 7,000
   * submits a second). The submits started in one turn of the event loop are corked and go out
   * together in one writev: when the socket read that freed their window slots has been handled
   * (`readWithFastResponses`' `afterRead`: the submits the window wrote from inside the responses'
   * handlers), or else when the turn ends. The deliver_sm_resp answers that settle in one turn (a
   * batch of receipts made durable) are corked the same way, and wait for nothing but the turn's
   * end; an enquire_link_resp never corks, and anything else written meanwhile rides along. cork()
   * counts, and every cork() must be matched by exactly one uncork() or the socket stays shut: one
   * cork per socket at a time (`#corked`), released once by `#uncork`.
   */
  #corkTurn(session: smpp.Session): void {
    const socket = session.socket;
    if (this.#corked === socket) return;
    this.#uncork(this.#corked);
    this.#corked = socket;
    socket.cork();
    setImmediate(() => this.#uncork(socket));
  }

  /** Release our cork on `socket`, if it is the one corked (a no-op otherwise). */
  #uncork(socket: smpp.Session['socket'] | undefined): void {
    if (!socket || this.#corked !== socket) return;
    this.#corked = undefined;
    socket.uncork();
  }

  #connect(first?: () => void): void {
    const c = this.cfg;
    const session = smpp.connect({ host: c.host, port: c.port });
    this.#session = session;
    // Why this session ended, for the link-down line: the first socket error, a refused bind, …
    let cause: string | undefined;
    let refused: number | undefined;
    readWithFastResponses(session, () => this.#uncork(session.socket));
    const tap = tapPduBodies(session.socket);
    // We coalesce our own writes (#corkTurn). Nagle would hold a submit back until the SMSC ACKs the one
    // before, and the ACK rides on its response: the window test (20 ms answers, window 2) never saw
    // more than one submit outstanding without this.
    session.socket.setNoDelay(true);
    // A 'close' always follows an error; the reconnect loop handles it.
    session.on('error', (e: NodeJS.ErrnoException) => {
      cause ??= e.message || e.code || 'socket error';
    });
    session.on('connect', () => {
      const bind = { system_id: c.systemId, password: c.password, system_type: c.systemType };
      session.bind_transceiver({ ...bind, interface_version: 0x34 }, (pdu) => {
        if (pdu.command_status === 0) {
          return this.#onBound(session, first, () => {
            cause ??= 'enquire_link unanswered';
          });
        }
        refused = pdu.command_status;
        cause = `bind refused: ${statusLabel(pdu.command_status)}`;
        session.destroy();
      });
    });
    session.on('close', () => this.#onClose(session, { cause, refused }, first));
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      cause ??= 'unbind from the SMSC';
      session.send(pdu.response(), () => session.close());
    });
    // §4.6.2: answer every deliver_sm, but only once what it carries is durable. A store failure is
    // answered ESME_RSYSERR, so the SMSC keeps the message and tries again later.
    session.on('deliver_sm', (pdu) => {
      const body = tap.last();
      let stored: Promise<void>;
      try {
        stored = this.#events ? reportDeliverSm(pdu, body, this.cfg, this.#events) : Promise.resolve();
      } catch (e) {
        stored = Promise.reject(e);
      }
      // The answers of one batch of receipts settle in one turn: corked, they leave in one write.
      const answer = (status: number) => {
        this.#corkTurn(session);
        session.send(new DeliverSmRespPdu(pdu.sequence_number, status));
      };
      stored.then(
        () => answer(0),
        () => answer(smpp.errors['ESME_RSYSERR'] ?? 0x08),
      );
    });
  }

  #onBound(session: smpp.Session, first: (() => void) | undefined, silent: () => void): void {
    this.#bound = true;
    this.#refused = undefined;
    this.#attempt = 0;
    this.#report.up(!this.#everBound);
    this.#everBound = true;
    let outstanding = false;
    // §4.11: keep the link alive; an enquire_link unanswered for a whole period means a dead link.
    this.#enquireTimer = setInterval(() => {
      if (outstanding) {
        silent();
        return session.destroy();
      }
      outstanding = true;
      session.enquire_link({}, () => {
        outstanding = false;
      });
    }, this.cfg.enquireLinkMs);
    this.#enquireTimer.unref();
    for (const wake of this.#boundWaiters) wake();
    first?.();
  }

  #onClose(
    session: smpp.Session,
    { cause, refused }: { cause: string | undefined; refused: number | undefined },
    first?: () => void,
  ): void {
    if (session !== this.#session) return;
    // Down while the SMSC refuses us; an unreachable SMSC is `connecting` (a reconnect is due).
    this.#refused = refused;
    const wasBound = this.#bound;
    this.#bound = false;
    clearInterval(this.#enquireTimer);
    this.#inflight.failAll({ ok: false, outcome: retry('SMPP link lost before submit_sm_resp') });
    first?.(); // no-op after a resolve; else: the first attempt failed, the link keeps trying
    if (this.#closing) return;
    const credentials = refused !== undefined && isCredentialRefusal(refused);
    const delay = reconnectDelay(this.cfg.reconnect, this.#attempt++, credentials);
    const why = cause ?? (wasBound ? 'connection closed' : 'connection closed before the bind was answered');
    this.#report.down(why, delay);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
    this.#reconnectTimer.unref();
  }
}
