/**
 * The commands the app-facing use-cases take: what a request asks for, in the use-cases' words.
 *
 * The HTTP edge reads them from the Acrobits wire (`protocol/acrobits`, which knows the field names,
 * aliases and defaults of each template) and hands them over; an admin API or the CLI can build the
 * same commands without knowing any wire format. `protocol/` has its own request types of the same
 * shape, so neither side imports the other: TypeScript checks at the edge that they still fit.
 */

/** Send one message to one recipient (Send Message, https://doc.acrobits.net/api/client/send_message.html). */
export interface SendCommand {
  /** The recipient as the user typed it: a number, a username or a SIP address. */
  to: string;
  /** The text, or the JSON of a file transfer for `application/x-acro-filetransfer+json`. */
  body: string;
  /** The app's Smart Contacts flag, stored as sent. */
  smart: boolean;
  /** MIME type of `body`; `text/plain` when the app sent none. */
  contentType: string;
  /** `<message-id>:<list>`, the notifications the sender asks for; null for none. */
  dispositionNotification: string | null;
  /** The id of the request that carried it (the edge's request id), kept in the message's timeline. */
  requestId?: string;
}

/** One page of each side of the account's history after the app's cursors (Fetch Messages). */
export interface FetchCommand {
  /** The newest received id the device has; undefined when it has none we issued. */
  lastReceivedId: number | undefined;
  /** The newest sent id the device has; undefined likewise. */
  lastSentId: number | undefined;
  /** The device's own name for itself, when the template sends one. */
  device: string | undefined;
}

/** What one installation reported about its push tokens (Push Token Reporter). Empty values are null. */
export interface TokenReport {
  /** The installation's key: one row per account and selector. */
  selector: string;
  installid: string | null;
  token: string | null;
  appid: string | null;
  tokenCalls: string | null;
  appidCalls: string | null;
  tokenOther: string | null;
  appidOther: string | null;
}

/** A device logging out (Account Removal Reporter): forget it by selector, else by any of its tokens. */
export interface RemovalReport {
  selector: string | null;
  tokens: string[];
}
