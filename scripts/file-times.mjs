/**
 * A node:test reporter (scripts/test.sh adds it beside `spec`): the seconds each test file's top-level
 * tests took, one line per file, so the slowest files of a run can be listed at its end. Process start
 * and imports are not counted, only the tests themselves.
 * https://nodejs.org/docs/latest-v20.x/api/test.html#custom-reporters
 */
export default async function* fileTimes(source) {
  const seconds = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, details } = event.data;
    if (nesting !== 0 || !file) continue;
    seconds.set(file, (seconds.get(file) ?? 0) + (details?.duration_ms ?? 0) / 1000);
  }
  for (const [file, s] of seconds) yield `${s.toFixed(1)} ${file}\n`;
}
