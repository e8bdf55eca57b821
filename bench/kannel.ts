/**
 * Kannel (https://www.kannel.org/), the gateway a provider would otherwise run, measured in the same
 * run and against the same loopback SMSC (bench/fake-smsc.ts) as textbridge. Debian packages it:
 * `apt-get install kannel kannel-extras` gives /usr/sbin/bearerbox and /usr/sbin/smsbox.
 *
 * Each measurement generates a configuration into a fresh temporary directory (the keys are those of
 * the Kannel user guide, https://www.kannel.org/download/1.4.5/userguide-1.4.5/userguide.html): a core
 * group with its admin port, one smsbox, one `smpp` smsc group with `max-pending-submits`, one
 * sendsms-user, the message store (`store-type`, `store-location`) and both logs in that directory,
 * `log-level = 2` (warnings); every port free and on 127.0.0.1. bearerbox and smsbox run as child
 * processes and are stopped afterwards (admin `/shutdown`, then SIGKILL after 10 s).
 * Kannel's store is written without fsync: what it accepts is not durable the way textbridge's is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, load, loadRun, type Row, startFakeCarrier } from './lib.js';

export const KANNEL_INSTALL = 'apt-get install kannel kannel-extras';
const ADMIN_PASSWORD = 'bench-admin';
const USER = 'bench';
const PASSWORD = 'bench-pw';
/** `file` (one append-only file, the default here) or `spool` (one file per message). */
const STORE = process.env['BENCH_KANNEL_STORE'] === 'spool' ? 'spool' : 'file';

/** Where bearerbox and smsbox are (PATH, then /usr/sbin, where Debian puts them), or undefined. */
export function kannelBinaries(
  dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'],
): { bearerbox: string; smsbox: string } | undefined {
  const find = (name: string) =>
    dirs.map((d) => path.join(d, name)).find((f) => f.startsWith('/') && existsSync(f));
  const bearerbox = find('bearerbox');
  const smsbox = find('smsbox');
  return bearerbox && smsbox ? { bearerbox, smsbox } : undefined;
}

/** A running bearerbox + smsbox pair. */
export interface Kannel {
  /** Its temporary directory: configuration, store, logs. */
  dir: string;
  /** The sendsms URL of one message (a GET with the fields in the query, as smsbox takes it). */
  sendsmsUrl: string;
  pids: number[];
  /** Messages bearerbox holds for its SMSCs (status.xml: sms sent queued). */
  queued(): Promise<number>;
  /** Whether the smsc group is bound (status.txt says `online`). */
  online(): Promise<boolean>;
  stop(): Promise<void>;
}

function config(
  dir: string,
  p: { admin: number; box: number; sendsms: number; smsc: number; window: number },
) {
  return `group = core
admin-port = ${p.admin}
admin-interface = 127.0.0.1
admin-password = ${ADMIN_PASSWORD}
admin-allow-ip = "127.0.0.1"
smsbox-port = ${p.box}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-level = 2
log-file = "${dir}/bearerbox.log"
store-type = ${STORE}
store-location = "${dir}/${STORE === 'spool' ? 'spool' : 'store'}"

group = smsc
smsc = smpp
smsc-id = fake
host = 127.0.0.1
port = ${p.smsc}
smsc-username = "kannel"
smsc-password = "secret"
system-type = "bench"
max-pending-submits = ${p.window}
reconnect-delay = 1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${p.box}
sendsms-port = ${p.sendsms}
sendsms-interface = 127.0.0.1
log-level = 2
log-file = "${dir}/smsbox.log"

group = sendsms-user
username = ${USER}
password = ${PASSWORD}
max-messages = 1
`;
}

/** The same text and recipient as textbridge's off-net send: UTF-8 in, UCS-2 (`coding=2`) out. */
const sendsmsQuery = (text: string) =>
  `/cgi-bin/sendsms?username=${USER}&password=${PASSWORD}&from=15550100001&to=%2B447700900123` +
  `&charset=UTF-8&coding=2&text=${encodeURIComponent(text)}`;

/** Whether 127.0.0.1:`port` accepts a TCP connection (closed at once, nothing sent). */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Poll `ok` every 100 ms; after `ms`, fail with the tail of Kannel's console output from `dir`. */
async function until(what: string, ok: () => Promise<boolean>, ms: number, dir: string): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await ok()) return;
    } catch {}
    if (Date.now() > deadline) {
      const logs = ['bearerbox.out', 'smsbox.out'].map((f) => path.join(dir, f)).filter(existsSync);
      const tail = logs.map((f) => readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')).join('\n');
      throw new Error(`kannel: ${what} not reached in ${ms} ms (files in ${dir})\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Start bearerbox and smsbox with an smpp smsc to 127.0.0.1:`smscPort` and `max-pending-submits =
 * window`. Resolves once sendsms takes connections (the smsc may still be connecting: see `online`).
 */
export async function startKannel(text: string, smscPort: number, window: number): Promise<Kannel> {
  const bins = kannelBinaries();
  if (!bins) throw new Error(`Kannel is not installed (${KANNEL_INSTALL})`);
  const dir = mkdtempSync(path.join(tmpdir(), 'tb-bench-kannel-'));
  const ports = { admin: await freePort(), box: await freePort(), sendsms: await freePort() };
  const file = path.join(dir, 'kannel.conf');
  writeFileSync(file, config(dir, { ...ports, smsc: smscPort, window }));
  const children: ChildProcess[] = [];
  const box = (bin: string, name: string) => {
    const out = path.join(dir, `${name}.out`);
    // `-v 2`: warnings and worse on the console too (into ${name}.out), not the debug default.
    const child = spawn(bin, ['-v', '2', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => writeFileSync(out, d, { flag: 'a' }));
    children.push(child);
    return child;
  };
  const admin = (cmd: string) =>
    fetch(`http://127.0.0.1:${ports.admin}/${cmd}?password=${ADMIN_PASSWORD}`).then((r) => r.text());
  const k: Kannel = {
    dir,
    sendsmsUrl: `http://127.0.0.1:${ports.sendsms}${sendsmsQuery(text)}`,
    pids: [],
    async queued() {
      const xml = await admin('status.xml');
      const m = /<sms>[\s\S]*?<sent><total>\d+<\/total><queued>(\d+)<\/queued>/.exec(xml);
      return Number(m?.[1] ?? Number.NaN);
    },
    online: async () => /\(online /.test(await admin('status.txt')),
    async stop() {
      const exited = children.map(
        (c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r()))),
      );
      await admin('shutdown').catch(() => {});
      const timer = setTimeout(() => {
        for (const c of children) c.kill('SIGKILL');
      }, 10_000);
      await Promise.all(exited);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    k.pids.push(box(bins.bearerbox, 'bearerbox').pid!);
    await until('bearerbox admin port', async () => (await admin('status.txt')).length > 0, 15_000, dir);
    k.pids.push(box(bins.smsbox, 'smsbox').pid!);
    // Up when bearerbox lists the smsbox and its sendsms port takes a connection. Probe with a bare
    // TCP connect: smsbox 1.4.5 crashes (PANIC in urltrans_find_username) on a sendsms request
    // without a username.
    const boxListed = async () => /<type>smsbox<\/type>/.test(await admin('status.xml'));
    await until('smsbox connected to bearerbox', boxListed, 15_000, dir);
    await until('smsbox sendsms port', () => accepts(ports.sendsms), 15_000, dir);
  } catch (e) {
    for (const c of children) c.kill('SIGKILL');
    throw e;
  }
  return k;
}

/**
 * Kannel's sendsms intake: `connections` clients for `duration` s (after a 2 s warm-up) against one
 * Kannel routed to the SMSC at `smscPort` with `max-pending-submits = 10` (Kannel's default, and
 * the default `window` of textbridge's smpp carrier).
 * CPU and RSS are bearerbox's and smsbox's together; `smscCount` (the SMSC's running count of
 * submit_sm) gives the rate bearerbox passed them on at (`Row.carrierPerSec`).
 */
export async function kannelSendsms(
  text: string,
  smscPort: number,
  connections: number,
  duration: number,
  smscCount?: () => Promise<number>,
): Promise<Row> {
  const k = await startKannel(text, smscPort, 10);
  try {
    await until('smsc online', () => k.online(), 15_000, k.dir);
    const r = await loadRun(k.sendsmsUrl, {}, k.pids, connections, duration, smscCount);
    if (r.non2xx > 0 || r.errors > 0)
      console.error(`warning: Kannel sendsms: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return r;
  } finally {
    await k.stop();
  }
}

/**
 * bearerbox's drain: `count` messages accepted through sendsms while its SMSC is not listening (they
 * wait in bearerbox's queue), then the bench SMSC starts on that port; the rate is `count` over the
 * time from its first submit_sm to its last, as the SMSC counted them.
 */
export async function bearerboxDrain(text: string, count: number, window: number): Promise<number> {
  const port = await freePort();
  const k = await startKannel(text, port, window);
  let fake: Awaited<ReturnType<typeof startFakeCarrier>> | undefined;
  try {
    const r = await load({ url: k.sendsmsUrl, connections: 64, amount: count });
    if (r.ok !== count) throw new Error(`kannel: only ${r.ok} of ${count} accepted`);
    await until(`${count} queued`, async () => (await k.queued()) >= count, 60_000, k.dir);
    fake = await startFakeCarrier('smpp', { port });
    const smsc = fake;
    await until(`${count} submitted`, async () => (await smsc.ask('count')).count >= count, 300_000, k.dir);
    const { ms = 0 } = await smsc.ask('stats');
    return count / (ms / 1000);
  } finally {
    await k.stop();
    await fake?.stop();
  }
}
