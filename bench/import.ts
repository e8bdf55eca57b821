/**
 * Bulk import: N accounts (default 100,000) with scrypt hashes, each with a number, uploaded as JSON
 * lines to `POST /admin/v1/accounts/import` of a real service over loopback HTTP, on the embedded store
 * (or PostgreSQL with DATABASE_URL), on the admin listener (its request deadline allows a long upload). Every account shares one precomputed hash: what the import pays for
 * a hash is its check, not its making (that is done once, offline, by whoever produces the file).
 * Usage: node --import tsx bench/import.ts [accounts=100000]
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { buildConfig } from '../src/config/index.js';
import { openAdmin, startService } from '../src/main/index.js';

const total = Number(process.argv[2] ?? 100_000);
const dataDir = mkdtempSync(path.join(tmpdir(), 'tb-bench-import-'));
const config = buildConfig({
  dataDir,
  databaseUrl: process.env['DATABASE_URL'] ?? '',
  server: { host: '127.0.0.1', port: 0, adminPort: 0 },
  delivery: { worker: false },
});
const admin = await openAdmin(config);
const { token } = await admin.tokens.create('bench', false);
await admin.close();
const service = await startService(config, pino({ level: 'warn' }));

const salt = randomBytes(16);
const key = scryptSync('bench-password', salt, 32, { N: 16384, r: 8, p: 1 });
const hash = `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
const lines: string[] = [];
for (let i = 0; i < total; i++) {
  lines.push(
    JSON.stringify({
      username: `user${i}`,
      scrypt: hash,
      numbers: [`+1555${String(i).padStart(7, '0')}`],
      credit: 5,
    }),
  );
}
const body = `${lines.join('\n')}\n`;

const t0 = performance.now();
const res = await fetch(`${service.adminUrl}/admin/v1/accounts/import`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
  body,
});
const report = await res.text();
const ms = performance.now() - t0;
const summary = JSON.parse(report.trimEnd().split('\n').at(-1)!).summary;
console.log(
  JSON.stringify({
    store: config.databaseUrl ? 'postgres' : 'sqlite',
    accounts: total,
    status: res.status,
    summary,
    seconds: Number((ms / 1000).toFixed(1)),
    perSecond: Math.round(total / (ms / 1000)),
    rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  }),
);
await service.close();
rmSync(dataDir, { recursive: true, force: true });
