/**
 * Test passwords. Every one contains SECRET_MARKER so the log audit (test/log-audit.after.ts, run by
 * scripts/test.sh after the suite) can prove no password ever reached a log line; they also carry the
 * characters that break naive templates: & + % # = " (protocol notes §8.10).
 */
export const SECRET_MARKER = 'Tb5ecret';

export const password = (label: string): string => `${SECRET_MARKER}-${label}&+%#="x`;

/** Marker put in message bodies to prove bodies are not logged at info level. */
export const BODY_MARKER = 'Tb0dyMark';
