/** The admin API's answers as the console reads them (docs/admin-api.md); unknown fields are ignored. */

export interface Minute {
  minute: string;
  direction: string;
  status: string;
  count: number;
}

export interface CarrierView {
  name: string;
  link: string;
  submits: { last5m: number; last15m: number };
  failures: { last5m: number; last15m: number };
  lastError: string | null;
  lastErrorAt: string | null;
  /** The SMPP submit window: its size and the submits in flight; null for HTTP carriers. */
  window?: { size: number; inFlight: number } | null;
}

export interface CarrierStateView {
  carriers: CarrierView[];
  queue: { due: number; oldestDueAt: string | null };
}

export interface RefusedView {
  carrier: string;
  at: string;
  reason: string;
  excerpt: string;
}

export interface MessageView {
  sms_id: string;
  from: string;
  to: string;
  body: string;
  content_type: string;
  status: string;
  direction: string;
  segments: number;
  charge: number;
  carrier: string | null;
  carrier_ref: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  timeline?: Array<{ at: string; kind: string; details: Record<string, unknown> }>;
}

export interface AccountView {
  username: string;
  region: string;
  numbers: string[];
  credit: number | null;
  displayName?: string;
  group?: string;
}
