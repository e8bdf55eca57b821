/**
 * Import accounts from a file (JSON lines or CSV, the columns of `textbridge account import`): the
 * API's report line by line, the lines it refused highlighted with their reason.
 */
import { api, canChange } from '../api.js';
import { field, h, mount, notice } from '../dom.js';
import type { Page } from './page.js';

interface ReportLine {
  line?: number;
  username?: string;
  result?: string;
  reason?: string;
  summary?: { created: number; updated: number; errors: number };
}

export const importPage: Page = async (main) => {
  const ro = !canChange();
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: '.jsonl,.ndjson,.json,.csv,text/csv',
    required: true,
    disabled: ro,
  });
  const region = h('input', { name: 'region', value: 'US', maxlength: 2, disabled: ro });
  const say = notice();
  const report = h('div', {});
  const form = h(
    'form',
    { class: 'panel form' },
    h(
      'p',
      { class: 'hint' },
      'One account per line: JSON lines, or CSV with a header naming the columns (username, password or a hash, numbers, region, credit). An account that exists is updated.',
    ),
    field('File (JSON lines or CSV)', file),
    field('Region for lines without one', region),
    h('button', { type: 'submit', class: 'change', disabled: ro }, 'Import'),
    say,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    const csv = /\.csv$/i.test(f.name) || f.type === 'text/csv';
    say.say('Importing…');
    try {
      const lines = (await api.upload(
        `/accounts/import?region=${encodeURIComponent(region.value.trim().toUpperCase() || 'US')}`,
        await f.text(),
        csv ? 'text/csv' : 'application/x-ndjson',
      )) as ReportLine[];
      const summary = lines.find((l) => l.summary)?.summary;
      say.say(
        summary
          ? `${summary.created} created, ${summary.updated} updated, ${summary.errors} refused.`
          : 'The report ended early: import the file again (it is safe).',
        !summary || summary.errors > 0,
      );
      mount(
        report,
        h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            { 'data-testid': 'import-report' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Line', 'Username', 'Result', 'Reason'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              {},
              lines
                .filter((l) => l.line !== undefined)
                .map((l) =>
                  h(
                    'tr',
                    { class: l.result === 'error' ? 'bad' : '', 'data-line': l.line },
                    h('td', {}, l.line),
                    h('td', {}, l.username ?? ''),
                    h('td', {}, l.result ?? ''),
                    h('td', { class: 'wrap' }, l.reason ?? ''),
                  ),
                ),
            ),
          ),
        ),
      );
    } catch (err) {
      say.say((err as Error).message, true);
    }
  });
  mount(main, h('h1', {}, 'Import accounts'), form, report);
  return undefined;
};
