/**
 * The SMPP carrier's configuration slice: its shape, its defaults, validated once and frozen
 * (STYLE.md habit 4). `config/index.ts` reads the environment; this file only shapes what it hands over.
 */
import type { DefaultAlphabet } from './mo.js';

/** This carrier's slice of the configuration; optional fields have the defaults in `resolveSmppConfig`. */
export interface SmppCarrierConfig {
  name: string;
  host: string;
  port: number;
  systemId: string;
  password: string;
  systemType?: string;
  /** submit_sm in flight at once (default 10). */
  window?: number;
  /** enquire_link period; no answer within one period drops the link (default 30000). */
  enquireLinkMs?: number;
  reconnect?: { minMs: number; maxMs: number };
  /** data_coding per coding: many SMSCs want 0 (SMSC default = GSM) rather than 1 (IA5). */
  dataCoding?: { gsm7?: 0 | 1; ucs2?: 8 };
  /** true: split into UDH-concatenated submit_sm; false: whole text in message_payload (default true). */
  split?: boolean;
  /** More segments than this is refused for good: 'Message is too long' (default 10). */
  maxParts?: number;
  sourceTon?: number;
  sourceNpi?: number;
  destTon?: number;
  destNpi?: number;
  /** registered_delivery (§5.2.17): 1 = receipt on final outcome (default 1). */
  registeredDelivery?: number;
  submitTimeoutMs?: number;
  /** How to read inbound data_coding 0/1 (default 'gsm7'). */
  moDefaultAlphabet?: DefaultAlphabet;
  /** How long to wait for the missing parts of an MO message (default 60000). */
  moReassemblyMs?: number;
  /** How long a send waits for a bind in progress before answering 'SMPP link down' (default 1000). */
  linkWaitMs?: number;
}

/** The configuration with every default filled in, frozen. */
export type ResolvedSmppConfig = Readonly<Required<Omit<SmppCarrierConfig, 'systemType'>>> & {
  readonly systemType: string;
  readonly dataCoding: Readonly<{ gsm7: 0 | 1; ucs2: 8 }>;
};

/** Fill defaults and freeze (STYLE.md habit 4). */
export function resolveSmppConfig(c: SmppCarrierConfig): ResolvedSmppConfig {
  const r = resolve(c);
  // Boot fails naming the bad key (STYLE.md habit 4).
  const check = (ok: boolean, key: string, why: string) => {
    if (!ok) throw new TypeError(`SMPP carrier ${c.name}: ${key} ${why}`);
  };
  const posInt = (n: number) => Number.isInteger(n) && n > 0;
  check(c.host.length > 0, 'host', 'is empty');
  check(posInt(r.port) && r.port < 65536, 'port', 'must be 1-65535');
  check(posInt(r.window), 'window', 'must be a positive integer');
  check(posInt(r.maxParts) && r.maxParts <= 255, 'maxParts', 'must be 1-255 (the UDH total is one octet)');
  check(
    posInt(r.reconnect.minMs) && r.reconnect.minMs <= r.reconnect.maxMs,
    'reconnect',
    'needs 0 < minMs <= maxMs',
  );
  check(posInt(r.enquireLinkMs) && posInt(r.submitTimeoutMs), 'enquireLinkMs/submitTimeoutMs', 'must be > 0');
  check(
    c.systemId.length <= 15 && r.password.length <= 8,
    'systemId/password',
    'exceed 15/8 octets (§4.1.1)',
  );
  return r;
}

function resolve(c: SmppCarrierConfig): ResolvedSmppConfig {
  return Object.freeze({
    ...c,
    systemType: c.systemType ?? '',
    window: c.window ?? 10,
    enquireLinkMs: c.enquireLinkMs ?? 30_000,
    reconnect: Object.freeze(c.reconnect ?? { minMs: 1_000, maxMs: 60_000 }),
    dataCoding: Object.freeze({ gsm7: c.dataCoding?.gsm7 ?? 0, ucs2: c.dataCoding?.ucs2 ?? 8 }),
    split: c.split ?? true,
    maxParts: c.maxParts ?? 10,
    sourceTon: c.sourceTon ?? 1,
    sourceNpi: c.sourceNpi ?? 1,
    destTon: c.destTon ?? 1,
    destNpi: c.destNpi ?? 1,
    registeredDelivery: c.registeredDelivery ?? 1,
    submitTimeoutMs: c.submitTimeoutMs ?? 10_000,
    moDefaultAlphabet: c.moDefaultAlphabet ?? 'gsm7',
    moReassemblyMs: c.moReassemblyMs ?? 60_000,
    linkWaitMs: c.linkWaitMs ?? 1_000,
  });
}
