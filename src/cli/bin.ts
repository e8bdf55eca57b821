#!/usr/bin/env node
/**
 * `textbridge` command line. Every command takes `--data-dir` and `--config`, and the reading commands
 * take `--json`. The account and message commands open the same store as the server (SQLite WAL allows
 * it while the server runs; PostgreSQL trivially).
 */
import type { Command } from 'commander';
import { tuneHeap } from './heap.js';

// Before the rest loads: set later (when `serve` starts), the same flag gave 4x as many full GCs.
tuneHeap();
const { buildProgram } = await import('./program.js');
const program: Command = buildProgram();
program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`textbridge: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
