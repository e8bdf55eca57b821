/**
 * The app's other web services: Balance Checker, Rate Checker and Web Service Contacts
 * (https://doc.acrobits.net/api/client/balance_checker.html, …/rate_checker.html, …/web_contacts.html).
 * How money is shown, and which accounts the directory shows.
 */
import { type Static, Type } from 'typebox';

const section = <P extends Parameters<typeof Type.Object>[0]>(noun: string, description: string, keys: P) =>
  Type.Object(keys, { additionalProperties: false, noun, description, default: {} });

const moneyFormat = (def: string, what: string) =>
  Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: '%amount%',
    hint: 'must contain %amount%',
    default: def,
    description: `${what}: \`%amount%\` is the number (a dot before the decimals, no thousands separator), \`%currency%\` is \`balance.currency\`; anything else is shown as written (\`"$%amount%"\` shows \`$60.20\`).`,
  });

export const Balance = section(
  'balance',
  'The Balance Checker answer (`/balance`): how the credit is shown.',
  {
    currency: Type.String({
      minLength: 1,
      maxLength: 16,
      default: 'USD',
      description:
        "The accounts' currency as the apps are told it (the `currency` field, and `%currency%` in the formats); credit and rates are kept in this one currency.",
    }),
    format: moneyFormat('%currency% %amount%', 'How a balance is shown on the keypad'),
    decimals: Type.Integer({
      minimum: 0,
      maximum: 6,
      default: 2,
      description:
        'Decimals of a shown balance; the rest is cut off, never rounded up, so the app never shows more credit than the account holds.',
    }),
    unlimited: Type.String({
      maxLength: 64,
      default: 'Unlimited',
      description: 'What an account without a credit limit is shown (its answer has no `balance` number).',
    }),
  },
);

export const RateCheck = section(
  'rateCheck',
  'The Rate Checker answer (`/rate`): how a price per message is shown.',
  {
    format: moneyFormat(
      '%currency% %amount%',
      'How the price of one SMS segment is shown (at least `balance.decimals` decimals, more when the price has them)',
    ),
    unknown: Type.String({
      maxLength: 64,
      default: '—',
      description:
        'What the app is shown (with 200) for a number textbridge cannot send to: not an address, or a SIP address of no account.',
    }),
  },
);

export const Contacts = section('contacts', 'Web Service Contacts (`/contacts`): the on-net directory.', {
  show: Type.Enum(['none', 'all', 'group'], {
    default: 'none',
    description:
      "Which accounts the directory shows the caller: `none` (an empty list: no account learns of another), `all` accounts, or those of the caller's own `group` (a caller without a group sees none). The caller itself is never listed.",
  }),
  maxContacts: Type.Integer({
    minimum: 1,
    maximum: 10_000,
    default: 1000,
    description:
      'Most contacts in one answer, ordered by username; the app reads the directory in one request, so a larger directory is cut here (and a warning logged).',
  }),
});

export type BalanceConfig = Static<typeof Balance>;
export type RateCheckConfig = Static<typeof RateCheck>;
export type ContactsConfig = Static<typeof Contacts>;
