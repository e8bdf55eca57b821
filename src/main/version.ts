/**
 * textbridge's version, as package.json gives it, and where the built web console is. Read once, by
 * walking up from this module to the package root, so it is the same from the sources, the build in
 * dist/ and the test build.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackage(): { root: string; version: string } | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'textbridge' && typeof pkg.version === 'string')
        return { root: dir, version: pkg.version };
    }
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const pkg = findPackage();

export const VERSION: string = pkg?.version ?? 'unknown';

/** The web console as `npm run build` leaves it (`dist/console` in the package). */
export const CONSOLE_DIR: string | undefined = pkg && path.join(pkg.root, 'dist', 'console');
