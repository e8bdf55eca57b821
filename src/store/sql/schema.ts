/**
 * Table shapes as Kysely sees them. Times are epoch milliseconds (bigint), money is micro-units
 * (bigint), booleans are 0/1 integers: the same on SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: Generated<number>;
  username: string;
  password_hash: string;
  region: string;
  /** null = unlimited. */
  credit_micros: number | null;
  /** How the on-net directory shows the account; null = its username. */
  display_name: string | null;
  /** Directory group (`contacts.show: "group"`); null = none. */
  contact_group: string | null;
  created_at: number;
  updated_at: number;
}

export interface AccountNumbersTable {
  /** E.164 (`+15551231234`) or a bare extension (`201`). */
  number: string;
  account_id: number;
  /** Order in which the account lists its numbers; the first is the default sender ID. */
  position: number;
}

export interface MessagesTable {
  id: Generated<number>;
  sender_account_id: number | null;
  recipient_account_id: number | null;
  from_addr: string;
  to_addr: string;
  to_raw: string;
  body: string;
  content_type: string;
  disposition_notification: string | null;
  smart: number;
  status: string;
  segments: number;
  charge_micros: number;
  carrier: string | null;
  carrier_ref: string | null;
  attempts: number;
  last_error: string | null;
  displayed: number;
  created_at: number;
  updated_at: number;
  /** `<carrier>|<ref>` for carrier-inbound messages (dedupe), `dn|<id>|<kind>` for relayed notifications. */
  inbound_key: string | null;
  /** The Send Message request that stored it (`''`: none); null when Send Message did not (migration 0019). */
  request_id: string | null;
  /** The charge given back by a refusal or a give-up (which zero `charge_micros`); 0 otherwise. */
  refunded_micros: Generated<number>;
}

export interface JobsTable {
  id: Generated<number>;
  /** `deliver` (message id in ref_id), `push` (message id), `webhook` (webhook_events id) */
  kind: string;
  ref_id: number;
  run_at: number;
  attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  created_at: number;
  /** Jobs with one key run one at a time, in id order (event webhooks: endpoint and message); else null. */
  order_key: Generated<string | null>;
}

export interface CarrierRefsTable {
  carrier: string;
  ref: string;
  /** When the carrier accepted this submission (epoch ms; 0 for rows stored before it was kept). */
  sent_at: Generated<number>;
  message_id: number;
  /** 1-based part number of a split message. */
  part: number;
  /** Last receipt status for this part (delivered / failed), null until one arrives. */
  status: string | null;
}

export interface SendCountsTable {
  account_id: number;
  /** Messages sent (or attempted past the limit) in the window. */
  sent: number;
  /** End of the fixed window the count belongs to (epoch ms). */
  window_until: number;
}

export interface AuthFailuresTable {
  /** `u:<username>` or `ip:<client address>`. */
  key: string;
  failures: number;
  /** End of the fixed window the count belongs to (epoch ms). */
  window_until: number;
}

/** One app installation's push tokens for one account (push_token_reporter doc). */
export interface PushTokensTable {
  account_id: number;
  /** The app's per-account, per-installation id; PNM wants it back as `Selector`. */
  selector: string;
  installid: string | null;
  /** Legacy single pair (`pushToken` / `pushappid`). */
  token: string | null;
  appid: string | null;
  /** iOS PushKit pair, incoming calls only (`pushTokenIncomingCall` / `pushappid_incoming_call`). */
  token_calls: string | null;
  appid_calls: string | null;
  /** iOS 13+ remote-notification pair, the one for messages (`pushTokenOther` / `pushappid_other`). */
  token_other: string | null;
  appid_other: string | null;
  updated_at: number;
}

/** One row (id 1) whose value SQLite triggers raise on changes the lookup cache depends on (0007). */
export interface LookupGenerationTable {
  id: number;
  value: number;
}

/** A concatenated inbound message being assembled (migration 0010). */
export interface InboundPartGroupsTable {
  key: string;
  carrier: string;
  from_addr: string;
  to_addr: string;
  total: number;
  encoding: string;
  created_at: number;
  expires_at: number;
  joined_at: number | null;
}

/** One received part of a group, its user data in base64. */
export interface InboundPartsTable {
  group_key: string;
  seq: number;
  data: string;
  created_at: number;
}

/** One stored media file's metadata (its bytes are a file named by `id`). */
export interface MediaTable {
  /** Random, unguessable: 128 bits in base64url. */
  id: string;
  /** The owner, for quotas and purges; null = no account (e.g. inbound carrier media). */
  account_id: number | null;
  content_type: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  filename: string | null;
  created_at: number;
}

/** An inbound picture message held while its media is fetched (migration 0018). */
export interface InboundMediaTable {
  id: Generated<number>;
  inbound_key: string;
  /** JSON of the message to store. */
  message: string;
  /** JSON list of `{url, contentType?}`. */
  media: string;
  created_at: number;
}

/** Server-wide values kept in the database (the generated media URL secret). */
export interface SettingsTable {
  name: string;
  value: string;
}

/** One step in a message's timeline (migration 0015; kinds and details in domain/timeline.ts). */
export interface MessageEventsTable {
  id: Generated<number>;
  message_id: number;
  at: number;
  kind: string;
  /** The event's details, as JSON. */
  details: string;
  /** Set for events stored once per message and key (a device's first fetch). */
  once: string | null;
}

/** One event webhook to post to one endpoint (migration 0016); a null endpoint is a fan-out to every subscriber. */
export interface WebhookEventsTable {
  id: Generated<number>;
  /** The Standard Webhooks `webhook-id`, the same on every retry; null on a fan-out row. */
  uid: string | null;
  endpoint: string | null;
  event: string;
  message_id: number | null;
  account_id: number | null;
  /** The JSON body to post (a fan-out row: the facts its endpoints' bodies are made from). */
  payload: string;
  created_at: number;
}

/** An admin API bearer token: only its SHA-256 is kept. */
export interface AdminTokensTable {
  id: Generated<number>;
  name: string;
  /** Hex SHA-256 of the whole token. */
  token_hash: string;
  read_only: number;
  created_at: number;
  last_used_at: number | null;
}

/** An inbound carrier webhook that was refused or ignored (the newest few kept). */
export interface RefusedWebhooksTable {
  id: Generated<number>;
  carrier: string;
  at: number;
  reason: string;
  /** The start of the request, masked (domain/redact.ts). */
  excerpt: string;
}

export interface DB {
  message_events: MessageEventsTable;
  webhook_events: WebhookEventsTable;
  admin_tokens: AdminTokensTable;
  refused_webhooks: RefusedWebhooksTable;
  media: MediaTable;
  inbound_media: InboundMediaTable;
  settings: SettingsTable;
  inbound_part_groups: InboundPartGroupsTable;
  inbound_parts: InboundPartsTable;
  lookup_generation: LookupGenerationTable;
  push_tokens: PushTokensTable;
  auth_failures: AuthFailuresTable;
  send_counts: SendCountsTable;
  carrier_refs: CarrierRefsTable;
  accounts: AccountsTable;
  account_numbers: AccountNumbersTable;
  messages: MessagesTable;
  jobs: JobsTable;
}
