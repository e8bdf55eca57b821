/**
 * `/admin/v1/messages`: search (paged by cursor), export (JSON lines, streamed), one message, and an
 * operator's retry of a failed one (the use-case of `textbridge messages retry`).
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { MESSAGE_STATUSES, type MessageQuery } from '../../app/message-search.js';
import { badRequest, conflict, notFound } from '../../errors.js';
import type { AdminApiDeps } from './deps.js';
import { answers, Limit } from './schemas.js';

const Filters = {
  account: Type.Optional(Type.String({ description: 'Sent or received by this account (username).' })),
  number: Type.Optional(Type.String({ description: 'From or to this address (E.164 or an extension).' })),
  status: Type.Optional(Type.Union(MESSAGE_STATUSES.map((s) => Type.Literal(s)))),
  direction: Type.Optional(
    Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('on-net')]),
  ),
  since: Type.Optional(Type.String({ description: 'Created at or after (RFC 3339).' })),
  until: Type.Optional(Type.String({ description: 'Created before (RFC 3339).' })),
};
const SearchQuery = Type.Object({
  ...Filters,
  before: Type.Optional(
    Type.String({ pattern: '^[0-9]{1,18}$', description: 'The `next` of the previous page.' }),
  ),
  limit: Limit,
});
const ExportQuery = Type.Object(Filters);
/** Open: more fields may follow (a message's timeline). */
const MessageView = Type.Object(
  {
    sms_id: Type.String(),
    from: Type.String(),
    to: Type.String(),
    to_raw: Type.String(),
    body: Type.String(),
    content_type: Type.String(),
    status: Type.String(),
    direction: Type.String(),
    segments: Type.Integer(),
    charge: Type.Number(),
    carrier: Type.Union([Type.String(), Type.Null()]),
    carrier_ref: Type.Union([Type.String(), Type.Null()]),
    attempts: Type.Integer(),
    last_error: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { additionalProperties: true },
);
const TimelineEvent = Type.Object({
  at: Type.String({ description: 'RFC 3339 time' }),
  kind: Type.String({
    description: 'accepted, routed, attempt, receipt, refund, bounce, push, fetched, … (docs/timeline.md)',
  }),
  details: Type.Object({}, { additionalProperties: true }),
});
const MessageWithTimeline = Type.Intersect([
  MessageView,
  Type.Object({ timeline: Type.Array(TimelineEvent, { description: 'Oldest first' }) }),
]);
const MessagePage = Type.Object({
  messages: Type.Array(MessageView),
  next: Type.Optional(
    Type.String({ description: 'Pass as `before` for the next page; absent on the last.' }),
  ),
});
const SmsId = Type.Object({ smsId: Type.String({ pattern: '^[0-9]{1,18}$' }) });
const Retried = Type.Object({ sms_id: Type.String(), requeued: Type.Boolean() });

const tags = ['messages'];

/** The filters of a query string as the use-case takes them; an unreadable time is a 400. */
function filtersOf(q: Static<typeof ExportQuery>): Omit<MessageQuery, 'limit'> {
  const time = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const t = Date.parse(v);
    if (Number.isNaN(t))
      throw badRequest(`${name} is not a time: ${v} (use RFC 3339, like 2026-12-01T00:00:00Z)`);
    return t;
  };
  const since = time('since', q.since);
  const until = time('until', q.until);
  return {
    ...(q.account === undefined ? {} : { account: q.account }),
    ...(q.number === undefined ? {} : { number: q.number.replace(/[\s().-]/g, '') }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.direction === undefined ? {} : { direction: q.direction }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

export function registerMessageRoutes(app: FastifyInstance, deps: AdminApiDeps): void {
  app.get(
    '/messages',
    {
      schema: {
        tags,
        summary: 'Search messages, newest first, a page at a time',
        querystring: SearchQuery,
        response: answers({ 200: MessagePage }),
      },
    },
    async (req) => {
      const q = req.query as Static<typeof SearchQuery>;
      return deps.messages.page({
        ...filtersOf(q),
        ...(q.before === undefined ? {} : { before: Number(q.before) }),
        limit: q.limit,
      });
    },
  );

  app.get(
    '/messages/export',
    {
      schema: {
        tags,
        summary: 'Every message a search finds, as JSON lines (streamed)',
        querystring: ExportQuery,
        response: answers({ 200: { content: { 'application/x-ndjson': { schema: MessageView } } } }),
      },
    },
    async (req, reply) => {
      const all = deps.messages.all(filtersOf(req.query as Static<typeof ExportQuery>));
      // The first page is read before the answer starts, so an unknown account is still a 404.
      const first = await all.next();
      async function* lines() {
        if (first.done) return;
        yield `${JSON.stringify(first.value)}\n`;
        for await (const m of all) yield `${JSON.stringify(m)}\n`;
      }
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines()));
    },
  );

  app.get(
    '/messages/:smsId',
    {
      schema: {
        tags,
        summary: 'One message with its timeline',
        params: SmsId,
        response: answers({ 200: MessageWithTimeline }),
      },
    },
    async (req) => {
      const id = Number((req.params as Static<typeof SmsId>).smsId);
      const t = await deps.messageTimeline(id);
      if (!t) throw notFound(`No message ${id}`);
      return {
        ...deps.messages.view(t.message),
        timeline: t.events.map((e) => ({
          at: new Date(e.at).toISOString(),
          kind: e.kind,
          details: e.details,
        })),
      };
    },
  );

  app.post(
    '/messages/:smsId/retry',
    {
      schema: {
        tags,
        summary: 'Send a failed message again (back to queued)',
        params: SmsId,
        response: answers({ 200: Retried }),
      },
    },
    async (req) => {
      const id = Number((req.params as Static<typeof SmsId>).smsId);
      const outcome = await deps.retryMessage(id);
      if (outcome === 'missing') throw notFound(`No message ${id}`);
      if (outcome === 'not-failed')
        throw conflict(`Message ${id} is not failed; only a failed message can be retried`);
      return { sms_id: String(id), requeued: true };
    },
  );
}
