/**
 * `POST /admin/v1/accounts/import`: a CSV or JSON-lines upload read line by line as it arrives (never
 * held whole), answered as JSON lines: one report line per input line, each written once its batch is
 * committed, then a summary line. A report without its summary line was cut short (the connection or
 * the store failed); importing the same file again is safe, as every line is an upsert by username.
 */

import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import type { ImportLine } from '../../app/account-upsert.js';
import { unsupportedType } from '../../errors.js';
import type { AdminApiDeps } from './deps.js';
import { answers } from './schemas.js';

export const IMPORT_TYPES = ['application/x-ndjson', 'text/csv'] as const;

const ImportQuery = Type.Object({
  region: Type.String({ default: 'US', description: 'Region for lines that name none.' }),
});
const ReportLine = Type.Object(
  {
    line: Type.Optional(Type.Integer({ description: 'The input line, from 1.' })),
    username: Type.Optional(Type.String()),
    result: Type.Optional(
      Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('error')]),
    ),
    reason: Type.Optional(Type.String()),
    summary: Type.Optional(
      Type.Object({ created: Type.Integer(), updated: Type.Integer(), errors: Type.Integer() }),
    ),
  },
  { description: 'One line of the report; the last is `{"summary": …}`.' },
);

export function registerImportRoute(app: FastifyInstance, deps: AdminApiDeps): void {
  // The upload reaches the route as a stream: no body limit, nothing buffered whole.
  for (const type of IMPORT_TYPES) {
    app.addContentTypeParser(type, (_req, payload, done) => done(null, payload));
  }
  app.post(
    '/accounts/import',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Create or update accounts from CSV or JSON lines (docs/admin-api.md)',
        consumes: [...IMPORT_TYPES],
        querystring: ImportQuery,
        response: answers({ 200: { content: { 'application/x-ndjson': { schema: ReportLine } } } }),
      },
    },
    async (req, reply) => {
      const { region } = req.query as Static<typeof ImportQuery>;
      if (!(req.body instanceof Readable)) {
        throw unsupportedType(`Upload the accounts as ${IMPORT_TYPES.join(' or ')}`);
      }
      const lines = linesOf(req.body);
      const report = deps.importAccounts(lines, region);
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(reportLines(report)));
    },
  );
}

async function* reportLines(report: AsyncGenerator<ImportLine>): AsyncGenerator<string> {
  const summary = { created: 0, updated: 0, errors: 0 };
  for await (const l of report) {
    if (l.result === 'error') summary.errors++;
    else summary[l.result]++;
    yield `${JSON.stringify(l)}\n`;
  }
  yield `${JSON.stringify({ summary })}\n`;
}

/**
 * The lines of an upload, read only as fast as they are imported (the stream stays paused in between,
 * so TCP holds the sender back). readline would start reading at once and drop the lines emitted
 * before its iterator is asked for the first one.
 */
async function* linesOf(input: Readable): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    rest += decoder.write(chunk as Buffer);
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}
