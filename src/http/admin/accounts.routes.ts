/** `/admin/v1/accounts`: the same use-cases as `textbridge account …` (app/accounts.ts, app/account-edit.ts). */
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { credentialOf } from '../../app/account-import.js';
import { notFound } from '../../errors.js';
import type { AdminApiDeps } from './deps.js';
import { AccountView, Amount, answers, Limit, Username } from './schemas.js';

const AccountPage = Type.Object({
  accounts: Type.Array(AccountView),
  next: Type.Optional(Type.String({ description: 'Pass as `after` for the next page; absent on the last.' })),
});
const PageQuery = Type.Object({
  after: Type.Optional(Type.String({ description: 'The `next` of the previous page.' })),
  prefix: Type.Optional(Type.String({ description: 'Only usernames starting with this (case counts).' })),
  number: Type.Optional(
    Type.String({ description: 'Only the account owning this number (E.164 or extension).' }),
  ),
  limit: Limit,
});
const NewAccount = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 128 }),
    password: Type.Optional(Type.String()),
    ha1: Type.Optional(Type.String()),
    realm: Type.Optional(Type.String()),
    sip_username: Type.Optional(Type.String()),
    bcrypt: Type.Optional(Type.String()),
    scrypt: Type.Optional(Type.String()),
    numbers: Type.Optional(Type.Array(Type.String())),
    region: Type.Optional(Type.String({ default: 'US' })),
    credit: Type.Optional(Amount),
    displayName: Type.Optional(Type.String()),
    group: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    description: 'Exactly one credential: password, ha1 with realm, bcrypt or scrypt.',
  },
);
const AccountChange = Type.Object(
  {
    password: Type.Optional(Type.String()),
    region: Type.Optional(Type.String()),
    displayName: Type.Optional(Type.String({ description: "'' clears it." })),
    group: Type.Optional(Type.String({ description: "'' clears it." })),
    addNumbers: Type.Optional(Type.Array(Type.String())),
    removeNumbers: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
const CreditChange = Type.Object(
  {
    delta: Type.Optional(Amount),
    set: Type.Optional(Type.Union([Amount, Type.Literal('unlimited')])),
  },
  {
    additionalProperties: false,
    description: 'Either `delta` (negative takes) or `set` (an amount or "unlimited").',
  },
);
const Purge = Type.Object({
  purge: Type.Optional(
    Type.Boolean({
      default: false,
      description:
        "Also delete the account's messages (those with no other account in them) and media files.",
    }),
  ),
});
const Removed = Type.Object({
  username: Type.String(),
  removed: Type.Boolean(),
  mediaDeleted: Type.Optional(Type.Integer()),
  messagesDeleted: Type.Optional(Type.Integer()),
});

const tags = ['accounts'];
const amount = (v: string | number | undefined) => (v === undefined ? undefined : String(v));

export function registerAccountRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(
    '/accounts',
    {
      schema: {
        tags,
        summary: 'List accounts by username, a page at a time',
        querystring: PageQuery,
        response: answers({ 200: AccountPage }),
      },
    },
    async (req) => {
      const q = req.query as Static<typeof PageQuery>;
      return deps.edit.page({
        limit: q.limit,
        ...(q.after === undefined ? {} : { after: q.after }),
        ...(q.prefix === undefined ? {} : { prefix: q.prefix }),
        ...(q.number === undefined ? {} : { number: q.number.replace(/[\s().-]/g, '') }),
      });
    },
  );

  app.get(
    '/accounts/:username',
    { schema: { tags, summary: 'One account', params: Username, response: answers({ 200: AccountView }) } },
    async (req) => {
      const { username } = req.params as Static<typeof Username>;
      const view = await deps.accounts.find(username);
      if (!view) throw notFound(`No account ${username}`);
      return view;
    },
  );

  app.post(
    '/accounts',
    {
      schema: {
        tags,
        summary: 'Create an account',
        body: NewAccount,
        response: answers({ 201: AccountView }),
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof NewAccount>;
      const credit = amount(b.credit);
      const view = await deps.accounts.add({
        username: b.username,
        ...credentialOf(b),
        numbers: b.numbers ?? [],
        region: b.region ?? 'US',
        ...(credit === undefined ? {} : { credit }),
        displayName: b.displayName,
        group: b.group,
      });
      return reply.code(201).send(view);
    },
  );

  app.patch(
    '/accounts/:username',
    {
      schema: {
        tags,
        summary: 'Change an account',
        params: Username,
        body: AccountChange,
        response: answers({ 200: AccountView }),
      },
    },
    async (req) => {
      const { username } = req.params as Static<typeof Username>;
      return deps.edit.update(username, req.body as Static<typeof AccountChange>);
    },
  );

  app.post(
    '/accounts/:username/credit',
    {
      schema: {
        tags,
        summary: 'Add to, take from or set the balance',
        params: Username,
        body: CreditChange,
        response: answers({ 200: AccountView }),
      },
    },
    async (req) => {
      const { username } = req.params as Static<typeof Username>;
      const b = req.body as Static<typeof CreditChange>;
      return deps.accounts.credit(username, amount(b.delta), amount(b.set));
    },
  );

  app.delete(
    '/accounts/:username',
    {
      schema: {
        tags,
        summary: 'Delete an account',
        params: Username,
        querystring: Purge,
        response: answers({ 200: Removed }),
      },
    },
    async (req) => {
      const { username } = req.params as Static<typeof Username>;
      const { purge } = req.query as Static<typeof Purge>;
      return deps.removeAccount(username, { purge: purge === true });
    },
  );
}
