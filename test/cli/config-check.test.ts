/**
 * `textbridge config check` and `textbridge serve`: a valid file prints its effective configuration
 * with every secret masked; a misspelt key stops both with one line naming the key's full path and a
 * non-zero exit. A few run as real child processes (what an operator runs, exit code and stderr
 * included); the rest run the same commander program in this process, which is the same code up to
 * the line `bin.ts` prints, and a tenth of the time.
 *
 * Nothing here reads the configured store, so the child processes run once, on the embedded-store run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildProgram } from '../../src/cli/program.js';
import { startChild, textbridgeArgs, writeConfigFile } from '../helpers/child.js';
import { tempDir } from '../helpers/files.js';

/** The child-process tests: once per suite (they never touch the PostgreSQL store under test). */
const ONCE = {
  skip: process.env['TEXTBRIDGE_TEST_DATABASE_URL']
    ? 'no store involved: runs once, on the embedded-store run'
    : false,
};

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run `textbridge <args> --config <file with raw>` to its end. */
function textbridge(args: string[], raw: Record<string, unknown>, env: Record<string, string> = {}): Run {
  const dir = tempDir('tb-config-');
  const file = writeConfigFile(dir, raw);
  const { PORT: _p, HOST: _h, DATABASE_URL: _d, TEXTBRIDGE_CONFIG: _c, ...parent } = process.env;
  const r = spawnSync(process.execPath, textbridgeArgs(...args, '--config', file), {
    env: { ...parent, TEXTBRIDGE_DATA_DIR: dir, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The parts of the printed configuration the first test reads. */
interface Printed {
  server: { port: number };
  databaseUrl: string;
  carriers: Array<
    Record<string, unknown> & { headers?: Record<string, string>; webhook?: { auth: { secret: string } } }
  >;
}

const SECRETS = [
  'tw-auth-token',
  'smsc-pw',
  'pg-pass-1',
  'pg-pass-2',
  'bearer-xyz',
  'key-123',
  'hook-secret',
];

test(
  'config check prints the effective configuration with defaults filled in and every secret masked',
  ONCE,
  () => {
    const r = textbridge(
      ['config', 'check'],
      {
        $schema: '../docs/config.schema.json',
        databaseUrl: 'postgres://tb:pg-pass-1@db.example/tb?sslmode=require&password=pg-pass-2',
        carriers: [
          { name: 'tw', type: 'twilio', accountSid: 'AC1', authToken: 'tw-auth-token' },
          {
            name: 'smsc',
            type: 'smpp',
            host: 'smsc.example',
            port: 2775,
            systemId: 'tb',
            password: 'env:SMSC_PW',
          },
          {
            name: 'gen',
            type: 'http',
            method: 'GET',
            url: 'https://api.example/send?api_key=key-123&to=%to%',
            headers: { Authorization: 'Bearer bearer-xyz' },
            webhook: { auth: { kind: 'header', header: 'x-secret', secret: 'hook-secret' } },
          },
        ],
        routes: [{ carrier: 'tw', prefixes: ['+44'] }],
      },
      { SMSC_PW: 'smsc-pw' },
    );
    assert.equal(r.status, 0, r.stderr);
    for (const s of SECRETS) assert.ok(!r.stdout.includes(s), `${s} is printed`);
    const c = JSON.parse(r.stdout) as Printed;
    assert.equal(c.server.port, 8080);
    assert.equal(c.databaseUrl, 'postgres://tb:********@db.example/tb?sslmode=require&password=********');
    assert.equal(c.carriers[0]!['authToken'], '********');
    assert.equal(c.carriers[1]!['password'], '********');
    assert.equal(c.carriers[1]!['window'], 10);
    assert.equal(c.carriers[2]!['url'], 'https://api.example/send?api_key=********&to=%to%');
    assert.equal(c.carriers[2]!.headers!['Authorization'], '********');
    assert.equal(c.carriers[2]!.webhook!.auth.secret, '********');
    assert.equal(r.stderr, '');
  },
);

test('config check prints a warning for each deprecated inbound.carriers entry', ONCE, () => {
  const r = textbridge(['config', 'check'], {
    inbound: { carriers: { old: { type: 'twilio', authToken: 'tw-auth-token' } } },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /^warning: inbound\.carriers\.old is deprecated: move its keys into a carriers\[\] entry/m,
  );
  assert.ok(!r.stdout.includes('tw-auth-token'));
});

const MISSPELT: Array<[Record<string, unknown>, string]> = [
  [{ limts: {} }, 'limts is not a configuration key'],
  [{ server: { prot: 1 } }, 'server.prot is not a key of server'],
  [{ auth: { cacheTTLms: 1 } }, 'auth.cacheTTLms is not a key of auth'],
  [
    { carriers: [{ name: 'gen', type: 'http', method: 'POST', url: 'https://x.example', bdy: '' }] },
    'carriers[0].bdy is not a key of an http carrier',
  ],
  [
    {
      carriers: [
        { name: 's', type: 'smpp', host: 'h', port: 2775, systemId: 'tb', password: 'pw', windw: 5 },
      ],
    },
    'carriers[0].windw is not a key of an smpp carrier',
  ],
];

/** Run `textbridge <args> --config <file with raw>` in this process; the error it stops with. */
async function inProcess(args: string[], raw: Record<string, unknown>): Promise<string> {
  const file = writeConfigFile(tempDir('tb-config-'), raw);
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(['node', 'textbridge', ...args, '--config', file]);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`textbridge ${args.join(' ')} did not stop`);
}

const PREFIX: [Record<string, unknown>, string] = [
  { carriers: [{ name: 'l', type: 'log' }], routes: [{ carrier: 'l', prefixes: ['44'] }] },
  'routes[0].prefixes[0] must be a prefix like "+44"',
];

/** One valid entry of each carrier type, each given a misspelt key. */
const PER_TYPE: Array<[Record<string, unknown>, string]> = [
  { name: 'gen', type: 'http', method: 'POST', url: 'https://api.example/send' },
  { name: 'smsc', type: 'smpp', host: 'smsc.example', port: 2775, systemId: 'tb', password: 'pw' },
  { name: 'tw', type: 'twilio', accountSid: 'AC1', authToken: 't' },
  { name: 'tx', type: 'telnyx', apiKey: 'k' },
  { name: 'vo', type: 'vonage', apiKey: 'k', apiSecret: 's' },
  { name: 'vm', type: 'voipms', apiUsername: 'u', apiPassword: 'p' },
  { name: 'trial', type: 'log' },
].map((c) => [{ carriers: [{ ...c, ratePerSecnd: 5 }] }, 'carriers[0].ratePerSecnd is not a key of']);

for (const [raw, line] of [...MISSPELT, PREFIX, ...PER_TYPE]) {
  const type = ((raw['carriers'] as Array<{ type?: string }> | undefined)?.[0]?.type ?? '').trim();
  test(`config check and serve both stop naming the key: ${line.split(' ')[0]} ${type}`.trim(), async () => {
    assert.ok((await inProcess(['config', 'check'], raw)).startsWith(line));
    assert.ok((await inProcess(['serve'], raw)).startsWith(line));
  });
}

test(
  'as a child process, config check exits 1 with one line naming the key, and prints nothing else',
  ONCE,
  () => {
    const r = textbridge(['config', 'check'], MISSPELT[0]![0]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `textbridge: ${MISSPELT[0]![1]} (did you mean "limits"?)\n`);
  },
);

test('as a child process, serve stops before listening with one line naming the key', ONCE, () => {
  const r = textbridge(['serve'], MISSPELT[4]![0], { PORT: '0', HOST: '127.0.0.1' });
  assert.equal(r.status, 1);
  assert.ok(r.stderr.startsWith(`textbridge: ${MISSPELT[4]![1]}`), r.stderr);
});

test('serve logs a warning for each deprecated inbound.carriers entry when it starts', ONCE, async () => {
  const dir = tempDir('tb-config-');
  const file = writeConfigFile(dir, {
    inbound: { carriers: { old: { type: 'twilio', authToken: 'tw-auth-token' } } },
  });
  const c = await startChild(['serve', '--config', file], { TEXTBRIDGE_DATA_DIR: dir, LOG_LEVEL: 'warn' });
  c.proc.kill('SIGTERM');
  await c.exited;
  const log = readFileSync(c.logFile, 'utf8');
  assert.match(
    log,
    /"msg":"inbound\.carriers\.old is deprecated: move its keys into a carriers\[\] entry named \\"old\\"/,
  );
  assert.ok(!log.includes('tw-auth-token'));
});
