/**
 * Parts of concatenated inbound messages, kept in the database until their message is whole, so a
 * restart joins parts received before it and two instances behind a load balancer join parts each
 * received half of. Each part is acknowledged to its carrier once its row is durable.
 *
 * Timeout: a group still incomplete `timeoutMs` after its first part is joined with what arrived (a
 * message with a hole beats none). A resent part (same carrier, sender, recipient, reference, total
 * and sequence) is stored once; a part of a group already joined (a resend the SMSC did not hear us
 * answer, or a part later than the timeout) is ignored for one more timeout after the join.
 */
import { decodeGsm7, decodeUcs2 } from '../domain/segments.js';
import type { InboundPart, JobKind, NewMessage, PartEncoding } from './ports.js';

/** A group of parts as stored: what names it and how its bytes read. */
export interface PartGroup {
  /** `<carrier>|<from>|<to>|<ref>|<total>`. */
  key: string;
  carrier: string;
  from: string;
  to: string;
  total: number;
  encoding: PartEncoding;
  /** When its first part arrived, epoch ms: tells this group from an earlier one with the same key. */
  createdAt: number;
}

/** The parts of a group as read back, in sequence order. */
export interface StoredPart {
  seq: number;
  data: Uint8Array;
}

/** The message a joined group becomes; undefined = store nothing (the parts are deleted all the same). */
export type WholeMessage = (
  g: PartGroup,
  parts: readonly StoredPart[],
) => { message: NewMessage; key: string } | undefined;

/** What happened to one part. */
export interface PartOutcome {
  /** Already stored (a resend), or its group was already joined. */
  duplicate: boolean;
  /** Set when this part completed its group and the whole message was stored (not a duplicate). */
  messageId?: number;
}

/** Where parts wait (`store/adapters/inbound-parts.ts`). */
export interface PartStore {
  /**
   * Store `p` at `now` unless it is stored already, in one transaction; when it completes its group,
   * in the same transaction read the group's parts, delete them, mark the group joined and store
   * `whole(...)` under its key with `jobs`. Resolves once committed.
   */
  add(p: InboundPart, now: number, whole: WholeMessage, jobs: readonly JobKind[]): Promise<PartOutcome>;
  /** Groups still incomplete whose timeout has passed at `now`, oldest first, at most `limit`. */
  expired(now: number, limit: number): Promise<PartGroup[]>;
  /** Join `g` with the parts it has, like a completing `add` (nothing when another instance did already). */
  finish(g: PartGroup, now: number, whole: WholeMessage, jobs: readonly JobKind[]): Promise<PartOutcome>;
  /** Forget the joined groups whose timeout has passed at `now` (a read when there are none). */
  forget(now: number): Promise<void>;
}

/** The key naming a part's group. */
export const partGroupKey = (p: Pick<InboundPart, 'carrier' | 'from' | 'to' | 'ref' | 'total'>): string =>
  `${p.carrier}|${p.from}|${p.to}|${p.ref}|${p.total}`;

/** Bytes as text per their encoding. */
export function decodePart(bytes: Uint8Array, encoding: PartEncoding): string {
  if (encoding === 'gsm7') return decodeGsm7(bytes);
  if (encoding === 'ucs2') return decodeUcs2(bytes);
  return Buffer.from(bytes).toString(encoding);
}

/** The text of a group's parts, joined as bytes and decoded once; `missing` counts parts that never came. */
export function joinParts(
  g: Pick<PartGroup, 'encoding' | 'total'>,
  parts: readonly StoredPart[],
): { body: string; missing: number } {
  const sorted = [...parts].sort((a, b) => a.seq - b.seq);
  const body = decodePart(Buffer.concat(sorted.map((p) => p.data)), g.encoding);
  return { body, missing: Math.max(0, g.total - sorted.length) };
}
