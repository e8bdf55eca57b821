/** The commander program, built without side effects so tests can run commands in-process. */

import { readFileSync } from 'node:fs';
import closeWithGrace from 'close-with-grace';
import { Command, InvalidArgumentError, Option } from 'commander';
import { importAccounts } from '../app/account-import.js';
import type { AccountAdmin } from '../app/accounts.js';
import { messageView } from '../app/message-search.js';
import { type Config, type ConfigOverrides, loadConfig } from '../config/index.js';
import { maskSecrets } from '../config/mask.js';
import { MESSAGE_STATUSES, type MessageStatus } from '../domain/message.js';
import { copyEmbeddedStore, openAdmin } from '../main/admin.js';
import { makeLogger } from '../main/logger.js';
import { VERSION } from '../main/version.js';
import { addAdminCommand } from './admin-tokens.js';
import { type AddOpts, credentialFrom } from './credentials.js';
import { addDoctorCommand } from './doctor.js';
import { addShowCommand } from './messages-show.js';
import { addProvisionCommand } from './provision.js';

interface CommonOpts {
  dataDir?: string;
  config?: string;
  json?: boolean;
}

/** `--display-name` and `--group` of `account add` and `account set`. */
interface Profile {
  displayName?: string;
  group?: string;
}

const common = (c: Command) =>
  c
    .option('--data-dir <dir>', 'embedded store folder (env TEXTBRIDGE_DATA_DIR, default ./data)')
    .option('--config <file>', 'JSON configuration file (env TEXTBRIDGE_CONFIG)');

function configFrom(o: CommonOpts & ConfigOverrides): Config {
  return loadConfig({ configFile: o.config, dataDir: o.dataDir, port: o.port, host: o.host });
}

/**
 * Run `fn` with the account administration over the configured store, then close it. Only `account add`
 * may create the embedded store (`creates`); every other command refuses a data folder without one.
 */
async function withAdmin<T>(o: CommonOpts, fn: (admin: AccountAdmin) => Promise<T>, creates = false) {
  const admin = await openAdmin(configFrom(o), undefined, { existing: !creates });
  try {
    return await fn(admin.accounts);
  } finally {
    await admin.close();
  }
}

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const collect = (v: string, prev: string[]) => [...prev, v];

/** A flag's whole number within min…max, refused by commander (before anything starts) otherwise. */
export const wholeNumber =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (v: string): number => {
    const n = /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        max === Number.MAX_SAFE_INTEGER
          ? `use a whole number, ${min} or more.`
          : `use a whole number from ${min} to ${max}.`,
      );
    }
    return n;
  };

export function buildProgram(): Command {
  const program = new Command('textbridge')
    .description('Messaging back end for Acrobits softphones')
    .version(VERSION, '-V, --version', 'print the version and exit')
    .showHelpAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  common(program.command('serve'))
    .description('run the HTTP service (Send Message, Fetch Messages, …)')
    .addOption(
      new Option('--port <port>', 'listen port (env PORT, default 8080)').argParser(wholeNumber(0, 65535)),
    )
    .option('--host <host>', 'listen address (env HOST, default 0.0.0.0)')
    .action(async (o: CommonOpts & { port?: number; host?: string }) => {
      const config = configFrom(o);
      const logger = makeLogger(config);
      // The server's modules (Fastify, the carriers, the console…) load only for the commands that run
      // it: every other command starts in a fraction of the time.
      const { startService } = await import('../main/service.js');
      const service = await startService(config, logger);
      closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
        if (err) logger.error({ err }, 'shutting down after an error');
        else logger.info({ signal }, 'shutting down');
        await service.close();
      });
    });

  common(program.command('worker'))
    .description('run only the delivery worker (carriers and the outbox), no HTTP')
    .action(async (o: CommonOpts) => {
      const config = configFrom(o);
      const logger = makeLogger(config);
      const { startWorker } = await import('../main/worker.js');
      const worker = await startWorker(config, logger);
      closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
        if (err) logger.error({ err }, 'shutting down after an error');
        else logger.info({ signal }, 'shutting down');
        await worker.close();
      });
    });

  const config = program.command('config').description('inspect the configuration');
  common(config.command('check'))
    .description(
      'check the configuration; print it with defaults filled in and secrets masked (exit 1 on a mistake)',
    )
    .action((o: CommonOpts) => {
      const { warnings, ...effective } = configFrom(o);
      out(JSON.stringify(maskSecrets(effective), null, 2));
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    });

  addProvisionCommand(program, { common, configFrom });
  addDoctorCommand(program, { common, configFrom });
  addAdminCommand(program, { common, configFrom });

  const account = program.command('account').description('manage local accounts');
  common(account.command('add <username>'))
    .description('create an account, with a password or a hash imported from another system')
    .option('--password <pw>', 'its password (stored as an scrypt hash)')
    .option('--ha1 <hex>', "a SIP digest HA1, MD5 of 'username:realm:password' (needs --realm)")
    .option('--realm <realm>', 'the SIP realm the HA1 was made for')
    .option('--sip-username <u>', 'the SIP username the HA1 was made for, when not <username>')
    .option('--bcrypt <hash>', 'a bcrypt hash ($2a$, $2b$ or $2y$)')
    .option('--scrypt <hash>', "an scrypt hash ($scrypt$ln=…,r=…,p=…$salt$hash, or textbridge's own)")
    .option(
      '--number <n>',
      'a phone number or extension (repeatable; the first is the sender ID)',
      collect,
      [],
    )
    .option('--region <CC>', 'default region for national numbers', 'US')
    .option('--credit <amount>', 'starting balance (omit for unlimited)')
    .option('--display-name <name>', "the directory's name for it (Web Service Contacts)")
    .option('--group <group>', 'its directory group (contacts.show "group")')
    .option('--json', 'print JSON')
    .action(async (username: string, o: CommonOpts & AddOpts & Profile) => {
      const view = await withAdmin(
        o,
        (a) =>
          a.add({
            username,
            ...credentialFrom(o),
            numbers: o.number,
            region: o.region,
            ...(o.credit === undefined ? {} : { credit: o.credit }),
            displayName: o.displayName,
            group: o.group,
          }),
        true,
      );
      out(o.json ? JSON.stringify(view) : `created ${view.username} ${view.numbers.join(' ')}`.trim());
    });

  common(account.command('import <file>'))
    .description(
      'create accounts from CSV or JSON lines (docs/accounts.md); bad lines are reported, the rest imported, existing usernames skipped',
    )
    .option('--region <CC>', 'region for lines that name none', 'US')
    .option('--json', 'print JSON')
    .action(async (file: string, o: CommonOpts & { region: string }) => {
      const text = readFileSync(file, 'utf8');
      const r = await withAdmin(o, (a) => importAccounts(a, text, o.region), true);
      if (o.json) out(JSON.stringify(r));
      else {
        for (const e of r.errors) process.stderr.write(`line ${e.line}: ${e.reason}\n`);
        for (const k of r.skipped) out(`line ${k.line}: ${k.username} ${k.reason}`);
        out(`imported ${r.imported.length}, skipped ${r.skipped.length}, bad lines ${r.errors.length}`);
      }
      if (r.errors.length > 0) process.exitCode = 1;
    });

  common(account.command('list'))
    .description('list accounts')
    .option('--json', 'print JSON')
    .action(async (o: CommonOpts) => {
      const list = await withAdmin(o, (a) => a.list());
      if (o.json) return out(JSON.stringify(list));
      for (const v of list) {
        out(
          `${v.username}\t${v.region}\t${v.numbers.join(',') || '-'}\t${v.credit === null ? 'unlimited' : v.credit}`,
        );
      }
    });

  common(account.command('set <username>'))
    .description("set an account's directory name and group ('' clears one)")
    .option('--display-name <name>', "the directory's name for it (Web Service Contacts)")
    .option('--group <group>', 'its directory group (contacts.show "group")')
    .option('--json', 'print JSON')
    .action(async (username: string, o: CommonOpts & Profile) => {
      const view = await withAdmin(o, (a) => a.set(username, { displayName: o.displayName, group: o.group }));
      out(
        o.json
          ? JSON.stringify(view)
          : `${username}: ${view.displayName ?? '-'} (group ${view.group ?? '-'})`,
      );
    });

  common(account.command('passwd <username>'))
    .description("change an account's password (cached logins end at once)")
    .requiredOption('--password <pw>', 'the new password')
    .option('--json', 'print JSON')
    .action(async (username: string, o: CommonOpts & { password: string }) => {
      await withAdmin(o, (a) => a.passwd(username, o.password));
      out(o.json ? JSON.stringify({ username, changed: true }) : `password changed for ${username}`);
    });

  common(account.command('remove <username>'))
    .description('delete an account (its messages stay, without the link)')
    .option('--purge', "also delete the account's messages and media files (docs/admin-api.md)")
    .option('--json', 'print JSON')
    .action(async (username: string, o: CommonOpts & { purge?: boolean }) => {
      const admin = await openAdmin(configFrom(o), undefined, { existing: true });
      const r = await admin.removeAccount(username, { purge: o.purge === true }).finally(() => admin.close());
      const purged =
        r.messagesDeleted === undefined
          ? ''
          : ` (${r.messagesDeleted} messages and ${r.mediaDeleted} media files deleted)`;
      out(o.json ? JSON.stringify(r) : `removed ${username}${purged}`);
    });

  common(account.command('credit <username> [delta]'))
    .description('add credit (negative takes it away), or --set a balance or "unlimited"')
    .option('--set <amount>', 'set the balance, or "unlimited"')
    .option('--json', 'print JSON')
    .allowExcessArguments(false)
    .action(async (username: string, delta: string | undefined, o: CommonOpts & { set?: string }) => {
      const view = await withAdmin(o, (a) => a.credit(username, delta, o.set));
      out(o.json ? JSON.stringify(view) : `${username}: ${view.credit === null ? 'unlimited' : view.credit}`);
    });

  const messages = program.command('messages').description('inspect messages');
  common(messages.command('list'))
    .description('list messages, newest first')
    .option('--account <username>', 'only messages sent or received by this account')
    .addOption(new Option('--status <status>', 'only this status').choices(MESSAGE_STATUSES as string[]))
    .option('--limit <n>', 'at most this many (a whole number from 1)', wholeNumber(1), 100)
    .option('--json', 'print JSON')
    .action(async (o: CommonOpts & { account?: string; status?: MessageStatus; limit: number }) => {
      const list = await withAdmin(o, (a) =>
        a.messages({
          ...(o.account ? { username: o.account } : {}),
          ...(o.status ? { status: o.status } : {}),
          limit: o.limit,
        }),
      );
      const items = list.map(messageView);
      if (o.json) return out(JSON.stringify(items));
      for (const m of items) {
        out(
          `${m.sms_id}\t${m.created_at}\t${m.status}\t${m.from} -> ${m.to}\t${JSON.stringify(m.body.slice(0, 60))}`,
        );
      }
    });

  const store = program.command('store').description('move or inspect the store');
  addShowCommand(messages, { common, configFrom });

  common(store.command('copy'))
    .description("copy the embedded store's accounts, messages, jobs and tokens into PostgreSQL")
    .requiredOption('--to <url>', 'the target: postgres://user:password@host:port/database')
    .option('--force', 'replace the target when it already has accounts')
    .option('--json', 'print JSON')
    .action(async (o: CommonOpts & { to: string; force?: boolean }) => {
      // The source is always the embedded store in the data folder, whatever DATABASE_URL says.
      const r = await copyEmbeddedStore(configFrom(o), o.to, o.force === true);
      if (o.json) return out(JSON.stringify(r));
      for (const [table, n] of Object.entries(r.tables)) out(`${table}\t${n}`);
      out(`copied ${r.from} to ${r.to}`);
    });

  common(messages.command('retry <sms_id>'))
    .description(
      'send a failed message again (it goes back to queued; its refunded charge is not taken again)',
    )
    .option('--json', 'print JSON')
    .action(async (smsId: string, o: CommonOpts) => {
      const id = Number(smsId);
      if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`not an sms_id: ${smsId}`);
      const admin = await openAdmin(configFrom(o), undefined, { existing: true });
      let outcome: Awaited<ReturnType<typeof admin.retryMessage>>;
      try {
        outcome = await admin.retryMessage(id);
      } finally {
        await admin.close();
      }
      const requeued = outcome === 'queued';
      if (o.json) out(JSON.stringify({ sms_id: smsId, requeued, ...(requeued ? {} : { reason: outcome }) }));
      else if (requeued) out(`${smsId} queued again`);
      if (requeued) return;
      if (!o.json) {
        process.stderr.write(
          outcome === 'missing'
            ? `textbridge: no message ${smsId}\n`
            : `textbridge: ${smsId} is not a failed message (only failed messages can be retried)\n`,
        );
      }
      process.exitCode = 1;
    });

  return program;
}
