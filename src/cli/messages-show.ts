/**
 * `textbridge messages show <sms_id>`: one message and its timeline (docs/timeline.md), one line per
 * event for a person, or `--json` for machines. The message's fields are those `messages list` prints.
 */
import type { Command } from 'commander';
import { messageView } from '../app/message-search.js';
import type { MessageEvent } from '../domain/timeline.js';
import { openAdmin } from '../main/admin.js';
import type { CommandKit } from './provision.js';

/** An event for machines: its time as RFC 3339, its kind and details as stored. */
export const eventView = (e: MessageEvent) => ({
  at: new Date(e.at).toISOString(),
  kind: e.kind,
  details: e.details as unknown,
});

const shown = (v: unknown): string =>
  Array.isArray(v) ? v.map(String).join(',') : typeof v === 'string' ? v : JSON.stringify(v);

/** `2026-12-02T03:00:00.000Z  attempt      carrier=smsc outcome=sent latencyMs=3 refs=1a` */
export function eventLine(e: MessageEvent): string {
  const details = Object.entries(e.details as Record<string, unknown>)
    .map(([k, v]) => `${k}=${shown(v)}`)
    .join(' ');
  return `${new Date(e.at).toISOString()}  ${e.kind.padEnd(11)}  ${details}`.trimEnd();
}

export function addShowCommand<O extends { json?: boolean }>(messages: Command, kit: CommandKit<O>): void {
  kit
    .common(messages.command('show <sms_id>'))
    .description('print a message and its timeline: accepted, routed, attempts, receipts, pushes, fetches')
    .option('--json', 'print JSON')
    .action(async (smsId: string, o: O) => {
      const id = Number(smsId);
      const admin = await openAdmin(kit.configFrom(o), undefined, { existing: true });
      let found: Awaited<ReturnType<typeof admin.messageTimeline>>;
      try {
        found = Number.isSafeInteger(id) && id > 0 ? await admin.messageTimeline(id) : undefined;
      } finally {
        await admin.close();
      }
      if (!found) {
        process.stderr.write(`textbridge: no message ${smsId}\n`);
        process.exitCode = 1;
        return;
      }
      const m = messageView(found.message);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ message: m, events: found.events.map(eventView) })}\n`);
        return;
      }
      const lines = [
        `${m.sms_id}\t${m.created_at}\t${m.status}\t${m.from} -> ${m.to}\t${JSON.stringify(m.body.slice(0, 60))}`,
        ...found.events.map((e) => `  ${eventLine(e)}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
