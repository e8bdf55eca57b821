/**
 * The app's web services as the doctor plays them: where each is configured, what it fills its
 * templates with, and what the phone shows of its answer (protocol/acrobits/app-view.ts).
 */
import {
  readBalance,
  readContacts,
  readFetched,
  readRate,
  readSmsId,
} from '../protocol/acrobits/app-view.js';

/** What one simulated session knows: the account, the recipient and text of the test message. */
export interface Session {
  username: string;
  password: string;
  to: string;
  text: string;
  /** The simulated installation (`%installid%`) and push selector, fresh per run. */
  installId: string;
  selector: string;
}

/** What a 2xx answer shows, or why it is not what the app expects. */
export type Reading = { ok: true; shows: string; data?: unknown } | { ok: false; problem: string };

export interface AppService {
  name: string;
  /** Key prefixes, the first holding the URL; the others may hold the body and content type. */
  prefixes: readonly string[];
  /** Is a missing service a failure (messaging needs it) or only skipped? */
  required: boolean;
  /** The app sends asterisks for the password over plain http. */
  masksPassword?: boolean;
  /** The service-specific variables. */
  vars(s: Session): Record<string, string>;
  /** The phone's view of a 2xx answer. */
  read(body: string): Reading;
}

const accepted = (): Reading => ({ ok: true, shows: 'accepted' });
const device = (s: Session) => ({
  installid: s.installId,
  selector: s.selector,
  // A `+` in a token is what a form body or a query string turns into a space.
  pushTokenIncomingCall: 'doctor+calls-token',
  pushappid_incoming_call: 'textbridge.doctor',
  pushTokenOther: 'doctor+messages-token',
  pushappid_other: 'textbridge.doctor',
});

export const APP_SERVICES: readonly AppService[] = [
  {
    name: 'Send Message',
    prefixes: ['genericSmsSend', 'genericSms'],
    required: true,
    vars: (s) => ({
      sms_to: s.to,
      sms_body: s.text,
      content_type: 'text/plain',
      disposition_notification: '',
    }),
    read: (body) => {
      const id = readSmsId(body);
      return id
        ? { ok: true, shows: `sms_id ${id}`, data: { sms_id: id } }
        : { ok: false, problem: 'no sms_id in the answer' };
    },
  },
  {
    name: 'Fetch Messages',
    prefixes: ['genericSmsFetch'],
    required: true,
    vars: (s) => ({ last_known_sms_id: '', last_known_sent_sms_id: '', installid: s.installId }),
    read: (body) => {
      const f = readFetched(body);
      if (!f) return { ok: false, problem: 'the answer has no received_smss' };
      return { ok: true, shows: `${f.received.length} received, ${f.sent.length} sent`, data: f };
    },
  },
  {
    name: 'Push Token Reporter',
    prefixes: ['pushTokenReporter'],
    required: true,
    vars: device,
    read: accepted,
  },
  {
    name: 'Account Removal Reporter',
    prefixes: ['accountRemovalReporter'],
    required: true,
    vars: device,
    read: accepted,
  },
  {
    name: 'Balance Checker',
    prefixes: ['genericBalanceCheck'],
    required: false,
    masksPassword: true,
    vars: () => ({}),
    read: (body) => {
      const b = readBalance(body);
      return b === undefined
        ? { ok: false, problem: 'no balanceString in the answer' }
        : { ok: true, shows: b };
    },
  },
  {
    name: 'Rate Checker',
    prefixes: ['genericRateCheck'],
    required: false,
    masksPassword: true,
    vars: (s) => ({ targetNumber: s.to, smartUri: '' }),
    read: (body) => {
      const r = readRate(body);
      return r === undefined
        ? { ok: false, problem: 'no messageRateString in the answer' }
        : { ok: true, shows: r };
    },
  },
  {
    name: 'Web Service Contacts',
    prefixes: ['wsContacts'],
    required: false,
    vars: () => ({}),
    read: (body) => {
      const n = readContacts(body);
      return n === undefined
        ? { ok: false, problem: 'no contacts array in the answer' }
        : { ok: true, shows: `${n} contacts` };
    },
  },
];
