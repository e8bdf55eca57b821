/**
 * V8 heap tuning, applied by `cli/bin.ts` before anything else loads (so to every command; it matters
 * for the long-running ones, `serve` and `worker`).
 *
 * Under a sustained send load (`npm run bench`: 64 connections, ~15k sends/s) the process's peak RSS
 * was 168-250 MB from one run to the next, and the spread was the old generation: about 13 MB/s of
 * short-lived objects get promoted, and after a full GC that leaves ~25-35 MB live, V8's dynamic
 * heap growing factor (up to 4x) lets the old space reach ~95 MB before the next one, in some runs and
 * not others. `--heap-growing-percent=50` fixes that factor at 1.5x: the old space then stays at
 * ~35 MB, the peak at ~170 MB in every run, with about as many full GCs as before (each 2-3 ms) and
 * less scavenge time (a smaller old space has a smaller remembered set), so no throughput is lost.
 * Measurements: docs/benchmarks.md ("Peak RSS").
 *
 * V8 reads the factor at each full GC, so setting it at run time (v8.setFlagsFromString) takes effect,
 * but early: set first thing, it gave the same figures as on the node command line (8 full GCs in the
 * 12 s bench); set when `serve` started, after the modules and the store were loaded, 35-40 full GCs
 * and twice the scavenge time (the cause was not looked into). An
 * operator who passes `--heap-growing-percent` on the node command line (node refuses it in
 * NODE_OPTIONS) keeps their own value; `--heap-growing-percent=0` gives V8's dynamic factor back.
 */
import v8 from 'node:v8';

/**
 * The node flags of every production command line: `npm start` (package.json), the Dockerfile's CMD,
 * deploy/textbridge.service, and the servers the bench starts (bench/lib.ts `SERVE`); the tests of
 * test/deploy/node-flags.test.ts hold them equal. V8 sizes the young generation when it creates the
 * heap, so unlike the growing factor above these cannot be set from inside (v8.setFlagsFromString
 * at run time left the peak where it was). `--max-semi-space-size=16` caps each of the young
 * generation's two semi-spaces at 16 MB: the size V8 grows them to on Node 20, while on Node 24 it
 * grows them to 64 MB (its new space then reaches 128 MB, and the peak RSS under the bench's off-net
 * load went over 300 MB). 8 MB saved little more and cost 12-18 % more CPU per off-net send on Node
 * 20 (twice the scavenges). Node accepts the flag in NODE_OPTIONS too, which is how a
 * `textbridge serve` started from a shell or npx gets it (docs/deployment.md). Measurements:
 * docs/benchmarks.md ("Peak RSS under 200 MB", and the whole bench after it).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=16'];

/**
 * The environment of the same command lines, for glibc's allocator (read once, when the process
 * starts). glibc gives each thread that allocates an arena of its own, up to 8 per core
 * (mallopt(3), M_ARENA_MAX): the event loop, the four libuv threads (a password check's scrypt alone
 * takes 16 MB there) and V8's compiler and GC threads each kept several MB resident that the others
 * could not reuse. One arena keeps that memory in one place. Ignored where libc is not glibc.
 */
export const ALLOCATOR_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/** Old-generation growth after a full GC, in percent of the live size (V8's own choice: 10-300 %). */
export const HEAP_GROWING_PERCENT = 50;

/** The V8 flags to set, given node's own arguments (`process.execArgv`): none the operator set. */
export function heapFlags(execArgv: readonly string[]): string[] {
  const given = execArgv.some((a) => /^--heap[-_]growing[-_]percent(=|$)/.test(a));
  return given ? [] : [`--heap-growing-percent=${HEAP_GROWING_PERCENT}`];
}

/** Apply `heapFlags` to this process; returns the flags set. */
export function tuneHeap(): string[] {
  const flags = heapFlags(process.execArgv);
  for (const f of flags) v8.setFlagsFromString(f);
  return flags;
}
