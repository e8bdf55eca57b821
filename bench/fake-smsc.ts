/**
 * The bench's loopback SMSC: one program for every SMPP figure of `npm run bench` (textbridge's first
 * attempts and drains, Kannel's bearerbox), so both sides submit to the same peer.
 *
 * It does as little as an SMSC can: accepts any bind (bind_transceiver as textbridge binds,
 * bind_transmitter and bind_receiver as Kannel binds by default: SMPP 3.4 §4.1,
 * https://smpp.org/SMPP_v3_4_Issue1_2.pdf), answers every submit_sm at once with a message id and
 * counts it. It keeps no copy of what it receives (the tests' fake in test/helpers/fake-smsc.ts records
 * every PDU's bytes; here that would be the fake's CPU taken from the two cores under test).
 * With `receipts`, each accepted submit_sm is followed by a DELIVRD receipt (deliver_sm, esm_class 4,
 * the de facto receipt text of SMPP 3.4 Appendix B) on the same session when it can receive.
 */
import type { AddressInfo } from 'node:net';
import smpp from 'smpp';

/** A running bench SMSC. */
export interface BenchSmsc {
  port: number;
  /** submit_sm answered so far. */
  count(): number;
  /** performance.now() of the first and of the latest submit_sm since the last reset (0 when none). */
  firstAt(): number;
  lastAt(): number;
  /** Forget the count and the times (before a timed drain). */
  reset(): void;
  close(): Promise<void>;
}

export interface BenchSmscOptions {
  receipts?: boolean;
  /** Listen on this port; default a free one. */
  port?: number;
}

const BINDS = ['bind_transceiver', 'bind_transmitter', 'bind_receiver'] as const;

export async function startBenchSmsc(opts: BenchSmscOptions = {}): Promise<BenchSmsc> {
  let count = 0;
  let first = 0;
  let last = 0;
  let nextId = 1;
  const server = smpp.createServer({}, (session) => {
    // Answer at once, not after Nagle's wait for the client's ACK.
    session.socket.setNoDelay(true);
    let receives = false;
    session.on('error', () => {});
    for (const bind of BINDS) {
      session.on(bind, (pdu) => {
        receives = bind !== 'bind_transmitter';
        session.send(pdu.response({ system_id: 'bench' }));
      });
    }
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => session.send(pdu.response(), () => session.close()));
    session.on('submit_sm', (pdu) => {
      const id = `m${nextId++}`;
      last = performance.now();
      if (count++ === 0) first = last;
      session.send(pdu.response({ message_id: id }));
      if (opts.receipts && receives) {
        const text = `id:${id} sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:`;
        session.deliver_sm({ esm_class: 0x04, data_coding: 0, short_message: Buffer.from(text, 'latin1') });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    count: () => count,
    firstAt: () => first,
    lastAt: () => last,
    reset() {
      count = 0;
      first = 0;
      last = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of server.sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}
