/** `textbridge admin token create|list|revoke`: the admin API's bearer tokens (docs/admin-api.md). */
import type { Command } from 'commander';
import { openAdmin } from '../main/admin.js';
import type { CommandKit } from './provision.js';

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const when = (t: number | null) => (t === null ? 'never' : new Date(t).toISOString());

export function addAdminCommand<O extends object>(program: Command, kit: CommandKit<O>): void {
  const token = program
    .command('admin')
    .description('the admin HTTP API')
    .command('token')
    .description("manage the admin API's bearer tokens");

  /** Run `fn` over the admin side of the store, then close it; `creates` may make an embedded store. */
  const withTokens = async <T>(
    o: O,
    fn: (a: Awaited<ReturnType<typeof openAdmin>>) => Promise<T>,
    creates = false,
  ) => {
    const admin = await openAdmin(kit.configFrom(o), undefined, { existing: !creates });
    try {
      return await fn(admin);
    } finally {
      await admin.close();
    }
  };

  kit
    .common(token.command('create'))
    .description('make a token; it is printed once and only its hash is kept')
    .requiredOption('--name <name>', 'a name to list and revoke it by')
    .option('--read-only', 'allow only reads (GET)')
    .option('--json', 'print JSON')
    .action(async (o: O & { name: string; readOnly?: boolean; json?: boolean }) => {
      const t = await withTokens(o, (a) => a.tokens.create(o.name, o.readOnly === true), true);
      if (o.json) return out(JSON.stringify({ name: t.name, readOnly: t.readOnly, token: t.token }));
      out(t.token);
      process.stderr.write(
        `token ${t.name}${t.readOnly ? ' (read-only)' : ''} created; it is shown only now: keep it safe\n`,
      );
    });

  kit
    .common(token.command('list'))
    .description('list tokens: name, created, last used, read-only (never the token)')
    .option('--json', 'print JSON')
    .action(async (o: O & { json?: boolean }) => {
      const list = await withTokens(o, (a) => a.tokens.list());
      if (o.json) return out(JSON.stringify(list));
      for (const t of list) {
        out(
          `${t.name}\t${when(t.createdAt)}\t${when(t.lastUsedAt)}\t${t.readOnly ? 'read-only' : 'read-write'}`,
        );
      }
    });

  kit
    .common(token.command('revoke <name>'))
    .description('delete a token: calls with it are refused at once')
    .option('--json', 'print JSON')
    .action(async (name: string, o: O & { json?: boolean }) => {
      await withTokens(o, (a) => a.tokens.revoke(name));
      out(o.json ? JSON.stringify({ name, revoked: true }) : `revoked ${name}`);
    });
}
