/**
 * The example systemd unit (deploy/textbridge.service) and reverse proxy configurations
 * (deploy/nginx.conf, deploy/Caddyfile): the keys an operator relies on are there, systemd's own
 * `systemd-analyze verify` and `security --offline` accept the unit where systemd is installed, and
 * docs/deployment.md shows each file as it is in deploy/. Directives:
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ALLOCATOR_ENV, NODE_FLAGS } from '../../src/cli/heap.js';

const run = promisify(execFile);
const UNIT = 'deploy/textbridge.service';
const unitText = readFileSync(UNIT, 'utf8');

/** The unit's `[Section]` → key → values (a key may repeat); comments and blank lines dropped. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section?.[1]) {
      current = new Map();
      sections.set(section[1], current);
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(current && eq > 0, `a key=value line inside a section: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** systemd's time span in seconds ("20s", "1min 30s", "20"). */
function seconds(span: string): number {
  let total = 0;
  for (const [, n, unit] of span.matchAll(/(\d+)\s*(ms|s|sec|m|min|h)?/g)) {
    const f = { ms: 0.001, m: 60, min: 60, h: 3600 }[unit ?? ''] ?? 1;
    total += Number(n) * f;
  }
  return total;
}

test('the systemd unit runs node on the build as its own user, restarts on failure, stops by SIGTERM with time to finish, and is hardened', () => {
  const service = parseUnit(unitText).get('Service');
  assert.ok(service, 'a [Service] section');
  const one = (key: string) => {
    const v = service.get(key);
    assert.ok(v && v.length > 0, `${key}= is set`);
    return v[v.length - 1] as string;
  };
  assert.match(one('Type'), /^(simple|exec)$/);
  assert.equal(
    one('ExecStart'),
    `/usr/bin/node ${NODE_FLAGS.join(' ')} /opt/textbridge/dist/cli/bin.js serve`,
  );
  for (const [name, value] of Object.entries(ALLOCATOR_ENV))
    assert.ok(service.get('Environment')?.includes(`${name}=${value}`), `Environment=${name}=${value}`);
  assert.doesNotMatch(one('User'), /^(root|0)$/);
  assert.ok(one('EnvironmentFile'));
  assert.equal(one('Restart'), 'on-failure');
  assert.equal(one('KillSignal'), 'SIGTERM');
  // `serve` gives itself 10 s to finish its requests (close-with-grace) before systemd's SIGKILL.
  assert.ok(seconds(one('TimeoutStopSec')) > 10, 'TimeoutStopSec leaves serve its 10 s');
  for (const [key, value] of [
    ['NoNewPrivileges', 'yes'],
    ['ProtectSystem', 'strict'],
    ['ProtectHome', 'yes'],
    ['PrivateTmp', 'yes'],
  ]) {
    assert.equal(one(key as string), value, `${key}=${value}`);
  }
  assert.notEqual(service.get('MemoryDenyWriteExecute')?.at(-1), 'yes', "V8's JIT needs W+X memory");

  // The data folder: the state directory systemd makes, the one place it may write, and the one
  // textbridge is pointed at.
  const dataDir = `/var/lib/${one('StateDirectory')}`;
  assert.ok(one('ReadWritePaths').split(/\s+/).includes(dataDir));
  assert.ok(service.get('Environment')?.includes(`TEXTBRIDGE_DATA_DIR=${dataDir}`));
});

test('systemd-analyze verifies the unit without a warning and rates its exposure low', async (t) => {
  const have = await run('systemd-analyze', ['--version']).then(
    () => true,
    () => false,
  );
  if (!have || !existsSync('/usr/bin/node')) {
    t.skip('systemd-analyze or /usr/bin/node (the unit’s ExecStart) is not on this machine');
    return;
  }
  const verify = await run('systemd-analyze', ['verify', UNIT]);
  assert.equal(verify.stderr, '', 'no unknown key, no missing binary');
  // `security` rates 0 (locked down) to 10 (exposed); 3 is systemd's "OK" band, the exit code says.
  await run('systemd-analyze', ['security', '--offline=true', '--threshold=30', UNIT]);
});

test('docs/deployment.md shows the unit and the proxy configurations exactly as they are in deploy/', () => {
  const doc = readFileSync('docs/deployment.md', 'utf8');
  for (const file of [UNIT, 'deploy/nginx.conf', 'deploy/Caddyfile']) {
    assert.ok(doc.includes(readFileSync(file, 'utf8')), `${file} is in docs/deployment.md as it is`);
  }
});

test('the proxy examples pass the request id and the client address, allow uploads and wait past textbridge’s own timeout', () => {
  const nginx = readFileSync('deploy/nginx.conf', 'utf8');
  assert.match(nginx, /proxy_set_header X-Request-Id \$\w+;/);
  // Set to the peer's address, not appended to what the client sent: textbridge trusts it.
  assert.match(nginx, /proxy_set_header X-Forwarded-For \$remote_addr;/);
  assert.match(nginx, /client_max_body_size 26m;/);
  assert.match(nginx, /proxy_read_timeout 35s;/);
  assert.doesNotMatch(nginx, /\$request_uri"/, 'the access log has no query string');
  const caddy = readFileSync('deploy/Caddyfile', 'utf8');
  assert.match(caddy, /request_header @no_request_id X-Request-Id \{http\.request\.uuid\}/);
  assert.match(caddy, /max_size 26MB/);
  assert.match(caddy, /response_header_timeout 35s/);
});
