/**
 * Runs after the whole suite (scripts/test.sh): no log line written by any test service or child
 * process contains a test password (all carry SECRET_MARKER, plus the seed's own `12345678`), no
 * message body reached a log at info level (BODY_MARKER), and no phone number appears whole (they are
 * masked to `+155***1234` unless `log.showNumbers` is on, which no logged test service turns on).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BODY_MARKER, SECRET_MARKER } from './helpers/secrets.js';
import { LOG_DIR } from './helpers/service.js';

/** `password=…`, `"pass":…`, `cloud_password%3D…` as a URL, form or JSON would carry it. */
const PASSWORD_FIELD = /\b(password|pass|cloud_password)(=|\\?"\s*:)/i;

/** The seed's own password, `12345678`, not inside a longer run of digits. */
const SEED_PASSWORD = /(?<!\d)12345678(?!\d)/;

/** An E.164 number written whole: `+` and 8 to 15 digits. */
const WHOLE_NUMBER = /\+\d{8,15}(?!\d)/;

test('no log line of the test suite contains a password, a message body or a whole phone number', () => {
  const files = readdirSync(LOG_DIR).filter((f) => f.endsWith('.log'));
  assert.ok(files.length > 0, `the suite wrote logs to ${LOG_DIR}`);
  let lines = 0;
  const leaks: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(path.join(LOG_DIR, f), 'utf8').split('\n')) {
      if (!line) continue;
      lines++;
      // Search the decoded text too: a password may sit in a URL percent-encoded.
      let decoded = line;
      try {
        decoded = decodeURIComponent(line.replace(/\+/g, ' '));
      } catch {}
      for (const needle of [SECRET_MARKER, BODY_MARKER]) {
        if (line.includes(needle) || decoded.includes(needle)) leaks.push(`${f}: ${line.slice(0, 200)}`);
      }
      // The seed's password is digits: a longer run of digits holding it (a line's `time` in ms once
      // ended in …12345678) is not it.
      if (SEED_PASSWORD.test(line) || SEED_PASSWORD.test(decoded)) leaks.push(`${f}: ${line.slice(0, 200)}`);
      // Whatever its value, a password field in a logged URL or body is a leak.
      if (PASSWORD_FIELD.test(decoded)) leaks.push(`${f}: ${line.slice(0, 200)}`);
      if (WHOLE_NUMBER.test(line)) leaks.push(`${f}: unmasked number: ${line.slice(0, 200)}`);
    }
  }
  assert.ok(lines > 20, `expected a real amount of logging, read ${lines} lines`);
  assert.deepEqual(leaks, []);
});
