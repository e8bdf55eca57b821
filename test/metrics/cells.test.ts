import assert from 'node:assert/strict';
import { test } from 'node:test';
import parse from 'parse-prometheus-text-format';
import { Registry } from 'prom-client';
import { FastCounter, FastHistogram } from '../../src/metrics/cells.js';

test('a histogram renders cumulative buckets, +Inf, sum and count in the Prometheus text format', async () => {
  const registry = new Registry();
  const h = new FastHistogram('t_seconds', 'A test histogram.', [], [0.1, 1], registry);
  for (const v of [0.05, 0.1, 0.5, 3]) h.cell().observe(v);
  const text = await registry.metrics();
  assert.match(text, /^t_seconds_bucket\{le="0\.1"\} 2$/m, 'a value on a bound counts in that bucket');
  assert.match(text, /^t_seconds_bucket\{le="1"\} 3$/m);
  assert.match(text, /^t_seconds_bucket\{le="\+Inf"\} 4$/m);
  const [family] = parse(text);
  assert.equal(family?.type, 'HISTOGRAM');
  assert.equal(family?.metrics[0]?.count, '4');
  assert.equal(Number(family?.metrics[0]?.sum), 3.65);
});

test('a counter keeps one cell per label set and renders each with its labels', async () => {
  const registry = new Registry();
  const c = new FastCounter('t_total', 'A test counter.', ['carrier', 'outcome'], registry);
  c.cell('a', 'ok').inc();
  c.cell('a', 'ok').inc(2);
  c.cell('b', 'failed').inc();
  assert.equal(c.cell('a', 'ok'), c.cell('a', 'ok'), 'the same cell for the same labels');
  const [family] = parse(await registry.metrics());
  assert.deepEqual(
    family?.metrics.map((m) => [m.labels, m.value]),
    [
      [{ carrier: 'a', outcome: 'ok' }, '3'],
      [{ carrier: 'b', outcome: 'failed' }, '1'],
    ],
  );
});
