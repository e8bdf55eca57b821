/** Reading `GET /metrics` in tests with an independent parser (parse-prometheus-text-format). */
import assert from 'node:assert/strict';
import parse, { type Family } from 'parse-prometheus-text-format';

/** A parsed scrape: one number per family and label subset. */
export interface Scrape {
  families: Family[];
  /**
   * The sum of a family's samples whose labels include `labels` (a counter or gauge's value, a
   * histogram's count); 0 when there is none.
   */
  value(name: string, labels?: Record<string, string>): number;
}

/** GET `/metrics` with the bearer token, checked to be Prometheus text, and parsed. */
export async function scrape(base: string, token: string): Promise<Scrape> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const families = parse(withHistogramCounts(text));
  return {
    families,
    value(name, labels = {}) {
      const f =
        families.find((x) => x.name === `${name}_count` && x.type === 'COUNTER') ??
        families.find((x) => x.name === name);
      if (!f) return 0;
      let sum = 0;
      for (const m of f.metrics) {
        if (!Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) continue;
        sum += Number(m.count ?? m.value);
      }
      return sum;
    },
  };
}

/**
 * The text with each histogram's `_count` lines repeated as a counter family of that name: the parser
 * folds a histogram's samples into one whatever their labels (its flattenMetrics), so a histogram's
 * count per label set is read from this copy. The original families are parsed unchanged.
 */
function withHistogramCounts(text: string): string {
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]!);
  const extra = histograms.map((h) => {
    const lines = text.split('\n').filter((l) => l.startsWith(`${h}_count{`) || l.startsWith(`${h}_count `));
    return `# HELP ${h}_count Count of ${h}.\n# TYPE ${h}_count counter\n${lines.join('\n')}\n`;
  });
  return `${text}\n${extra.join('')}`;
}
