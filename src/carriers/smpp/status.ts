/**
 * submit_sm_resp command_status → what the dispatcher should do (SMPP 3.4 §5.1.3, "command_status").
 * Transient SMSC conditions are retryable; faults in the message itself are permanent, with the
 * SMSC's code in the reason so `last_error` says exactly what the SMSC said.
 */
import type { RefusalKind } from '../../app/ports.js';

/** A refused submit_sm: retry later, or give up with a refusal kind the phone is told. */
export type SubmitRefusal =
  | { retryable: true; reason: string }
  | { retryable: false; kind: RefusalKind; reason: string };

/** Names of the codes SMSCs send most (SMPP 3.4 table 5-2); unknown codes print as hex only. */
const NAMES: Readonly<Record<number, string>> = {
  0: 'ESME_ROK',
  1: 'ESME_RINVMSGLEN',
  4: 'ESME_RINVBNDSTS',
  8: 'ESME_RSYSERR',
  10: 'ESME_RINVSRCADR',
  11: 'ESME_RINVDSTADR',
  13: 'ESME_RBINDFAIL',
  14: 'ESME_RINVPASWD',
  15: 'ESME_RINVSYSID',
  20: 'ESME_RMSGQFUL',
  69: 'ESME_RSUBMITFAIL',
  72: 'ESME_RINVSRCTON',
  73: 'ESME_RINVSRCNPI',
  80: 'ESME_RINVDSTTON',
  81: 'ESME_RINVDSTNPI',
  88: 'ESME_RTHROTTLED',
  100: 'ESME_RX_T_APPN',
  101: 'ESME_RX_P_APPN',
  102: 'ESME_RX_R_APPN',
  254: 'ESME_RDELIVERYFAILURE',
  255: 'ESME_RUNKNOWNERR',
  257: 'ESME_RPROHIBITED',
  260: 'ESME_RINVDCS',
};

/**
 * Transient: the SMSC is busy or broken right now. 0x04 (not bound) happens in a reconnect race; 0x45
 * (submit failed) and 0x64 (temporary application error, §5.1.3 "ESME Receiver Temporary App Error")
 * are by their names worth another try.
 */
const RETRYABLE = new Set([0x04, 0x08, 0x14, 0x45, 0x58, 0x64, 0xff]);

/** Permanent refusals with a kind other than the default 'rejected'. */
const KINDS: Readonly<Record<number, RefusalKind>> = {
  11: 'invalid_recipient', // invalid destination address
  80: 'invalid_recipient', // invalid destination TON
  81: 'invalid_recipient', // invalid destination NPI
  257: 'blocked', // ESME_RPROHIBITED (SMPP 5.0): barred by the MC
  101: 'blocked', // ESME_RX_P_APPN: permanent application error, used by SMSCs for barred numbers
  102: 'blocked', // ESME_RX_R_APPN: "reject message", used for blacklists
};

/** `ESME_RINVDSTADR (0x0000000B)`: the way SMSC operators write a status. */
export function statusLabel(status: number): string {
  const hex = `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = NAMES[status];
  return name ? `${name} (${hex})` : hex;
}

/** Map a non-zero submit_sm_resp status to a refusal; ESME_ROK is the caller's success path. */
export function submitRefusal(status: number): SubmitRefusal {
  const reason = `SMSC refused: ${statusLabel(status)}`;
  if (RETRYABLE.has(status)) return { retryable: true, reason };
  return { retryable: false, kind: KINDS[status] ?? 'rejected', reason };
}

/** bind_*_resp statuses that mean our credentials or system_type are wrong (retrying will not help). */
export function isCredentialRefusal(status: number): boolean {
  return status === 0x0d || status === 0x0e || status === 0x0f || status === 0x53;
}
