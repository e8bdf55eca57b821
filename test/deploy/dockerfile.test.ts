/**
 * The Dockerfile, without a container engine: it is linted (dockerfile-utils) and parsed
 * (dockerfile-ast), its shape is checked (multi-stage, Node 24, not root, a health check on /livez,
 * `node` started directly, a volume for the data folder), and the two stages are replayed on this
 * machine: the build stage's COPYs (through .dockerignore) and `npm run build` in a temp folder, the
 * runtime stage's COPYs from it, then its CMD with its ENV, and its HEALTHCHECK command against that
 * server. Docker's reference: https://docs.docker.com/reference/dockerfile/
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import dockerignore from '@balena/dockerignore';
import { type Copy, type Dockerfile, DockerfileParser, type ImageTemplate } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { ALLOCATOR_ENV, NODE_FLAGS } from '../../src/cli/heap.js';
import { freePort } from '../helpers/child.js';
import { auditLogFile, tempDir } from '../helpers/files.js';

const run = promisify(execFile);
const text = readFileSync('Dockerfile', 'utf8');
const dockerfile = DockerfileParser.parse(text);
const froms = dockerfile.getFROMs();
const stages = froms.map((from) => ({ from, name: from.getBuildStage() }));
// The package is CommonJS (`module.exports = factory`) with an ES-style `export default` in its types.
const ignore = dockerignore as unknown as typeof dockerignore.default;
const ignored = ignore().add(readFileSync('.dockerignore', 'utf8'));

/** The instructions of the stage that begins at `froms[i]` (up to the next FROM). */
function stage(i: number): ReturnType<ImageTemplate['getInstructions']> {
  const start = froms[i]?.getRange().start.line ?? 0;
  const end = froms[i + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
  return dockerfile.getInstructions().filter((ins) => {
    const line = ins.getRange().start.line;
    return line >= start && line < end;
  });
}
const final = stage(froms.length - 1);
const build = stage(0);
const keyword = (ins: ReturnType<Dockerfile['getInstructions']>, k: string) =>
  ins.filter((i) => i.getKeyword() === k);
const args = (i: { getArgumentsContent(): string | null }) => i.getArgumentsContent() ?? '';

/** An exec-form argument list (`["node", …]`): JSON, as Docker reads it; undefined for shell form. */
function execForm(raw: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The runtime stage's ENV, as name → value. */
function finalEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of keyword(final, 'ENV') as unknown as { getProperties(): PropertyLike[] }[]) {
    for (const p of ins.getProperties()) env[p.getName()] = p.getValue() ?? '';
  }
  return env;
}
interface PropertyLike {
  getName(): string;
  getValue(): string | null;
}

/** The HEALTHCHECK's command, exec form (`CMD ["node", "-e", …]` after the options). */
function healthcheckCommand(): string[] {
  const [hc] = keyword(final, 'HEALTHCHECK');
  assert.ok(hc, 'the runtime stage has a HEALTHCHECK');
  const m = /\bCMD\s+(\[[\s\S]*\])\s*$/.exec(args(hc));
  const cmd = m?.[1] === undefined ? undefined : execForm(m[1]);
  assert.ok(cmd, `HEALTHCHECK runs an exec-form CMD: ${args(hc)}`);
  return cmd;
}

test('the Dockerfile lints clean and its image is multi-stage, on Node 24, run by node as a user who is not root', () => {
  assert.deepEqual(
    validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`),
    [],
  );
  assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
  const last = froms[froms.length - 1];
  assert.equal(last?.getImageName(), 'node');
  assert.match(last?.getImageTag() ?? '', /^24(\.|-|$)/, 'the runtime is Node 24 LTS');
  assert.match(last?.getImageTag() ?? '', /slim/, 'the runtime image is a slim one (no toolchain)');

  const users = keyword(final, 'USER').map(args);
  assert.ok(users.length > 0, 'the runtime stage sets a USER');
  assert.doesNotMatch(users[users.length - 1] ?? '', /^(root|0)(:|$)/);

  assert.deepEqual(execForm(args(keyword(final, 'CMD').at(-1) ?? final[0]!)), [
    'node',
    ...NODE_FLAGS,
    'dist/cli/bin.js',
    'serve',
  ]);
  assert.deepEqual(keyword(final, 'ENTRYPOINT'), [], 'no ENTRYPOINT (no shell or npm in front of node)');

  const env = finalEnv();
  for (const [name, value] of Object.entries(ALLOCATOR_ENV)) assert.equal(env[name], value, `ENV ${name}`);
  const volumes = keyword(final, 'VOLUME').flatMap((v) => execForm(args(v)) ?? args(v).split(/\s+/));
  assert.ok(env['TEXTBRIDGE_DATA_DIR'], 'TEXTBRIDGE_DATA_DIR points textbridge at the data folder');
  assert.ok(volumes.includes(env['TEXTBRIDGE_DATA_DIR']), 'the data folder is a VOLUME');
  assert.deepEqual(keyword(final, 'EXPOSE').map(args), [env['PORT']], 'EXPOSE is the PORT it listens on');
  assert.match(healthcheckCommand().join(' '), /^node -e .*\/livez/);
});

test('.dockerignore keeps installed modules, builds, data and logs out of the build context, but not the sources', () => {
  for (const p of [
    'node_modules',
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    'dist/cli/bin.js',
    '.tmp/test-build/src/cli/bin.js',
    '.git/HEAD',
    'data/textbridge.db',
    'data/textbridge.lock',
    'npm-debug.log',
  ]) {
    assert.ok(ignored.ignores(p), `${p} is ignored`);
  }
  for (const p of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/cli/bin.ts']) {
    assert.ok(!ignored.ignores(p), `${p} is in the context`);
  }
});

// The replay runs the image's build (tsc and the console's bundle) on this machine's Node: .ci/run
// replays it once, in its Node 24 suite (the image's Node), and skips it in the Node 20 one.
const replaySkipped =
  process.env['TEXTBRIDGE_TEST_IMAGE_REPLAY'] === '0'
    ? 'replayed in the Node 24 suite, on the image’s Node (TEXTBRIDGE_TEST_IMAGE_REPLAY=0)'
    : false;

test('the build stage builds from what it copies, the runtime stage copies what the build made, and its CMD serves and passes its HEALTHCHECK', {
  skip: replaySkipped,
}, async () => {
  // The build stage: its WORKDIR becomes a temp folder; every COPY from the context goes through
  // .dockerignore; node_modules stands in for its `npm ci` (the same lock file).
  const buildDir = tempDir('tb-docker-build-');
  const buildWorkdir = args(keyword(build, 'WORKDIR').at(-1) ?? build[0]!);
  const inBuild = (p: string) =>
    path.join(buildDir, path.posix.relative(buildWorkdir, path.posix.resolve(buildWorkdir, p)));
  for (const copy of keyword(build, 'COPY') as Copy[]) {
    assert.equal(copy.getFromFlag(), null, `the build stage copies from the context: ${args(copy)}`);
    const parts = args(copy).split(/\s+/);
    const dest = parts.pop() ?? '';
    for (const src of parts) {
      assert.ok(existsSync(src) && !ignored.ignores(src), `${src} is in the build context`);
      const target = dest.endsWith('/') ? path.join(inBuild(dest), path.basename(src)) : inBuild(dest);
      cpSync(src, target, { recursive: true, filter: (f) => !ignored.ignores(path.relative('.', f)) });
    }
  }
  symlinkSync(path.resolve('node_modules'), path.join(buildDir, 'node_modules'), 'dir');
  assert.ok(keyword(build, 'RUN').some((r) => /\bnpm run build\b/.test(args(r))));
  // No deadline of its own: on a busy machine tsc took two minutes.
  await run('npm', ['run', 'build'], { cwd: buildDir });

  // The runtime stage: its COPY --from=<build stage> sources must exist after the build.
  const runtimeDir = tempDir('tb-docker-runtime-');
  const runtimeWorkdir = args(keyword(final, 'WORKDIR').at(-1) ?? final[0]!);
  const copies = keyword(final, 'COPY');
  assert.ok(copies.length > 0);
  for (const copy of copies as Copy[]) {
    const from = copy.getFromFlag()?.getValue();
    assert.equal(from, stages[0]?.name, `the runtime copies from the build stage: ${args(copy)}`);
    const [src, dest] = args(copy).split(/\s+/);
    assert.ok(src && dest && src.startsWith(`${buildWorkdir}/`), args(copy));
    const built = inBuild(src);
    assert.ok(existsSync(built), `${src} exists after the build`);
    const to = path.join(
      runtimeDir,
      path.posix.relative(runtimeWorkdir, path.posix.resolve(runtimeWorkdir, dest)),
    );
    mkdirSync(path.dirname(to), { recursive: true });
    if (path.basename(src) === 'node_modules') symlinkSync(built, to, 'dir');
    else cpSync(built, to, { recursive: true });
  }

  // Its CMD, with its ENV; the data folder (the VOLUME) and the port are this test's own.
  const [cmd, ...cmdArgs] = execForm(args(keyword(final, 'CMD').at(-1) ?? final[0]!)) ?? [];
  assert.equal(cmd, 'node');
  const port = String(await freePort());
  const env = {
    ...process.env,
    ...finalEnv(),
    TEXTBRIDGE_DATA_DIR: tempDir('tb-docker-data-'),
    PORT: port,
    HOST: '127.0.0.1',
    DATABASE_URL: '',
  };
  const out = openSync(auditLogFile('child-docker-serve'), 'a');
  const server = spawn(process.execPath, cmdArgs, { cwd: runtimeDir, env, stdio: ['ignore', out, out] });
  const exited = new Promise<number | string | null>((resolve) =>
    server.on('exit', (c, s) => resolve(s ?? c)),
  );

  const [hcNode, ...hcArgs] = healthcheckCommand();
  assert.equal(hcNode, 'node');
  const healthcheck = () =>
    run(process.execPath, hcArgs, { env, timeout: 10_000 }).then(
      () => 0,
      (e: { code?: number }) => e.code ?? -1,
    );
  try {
    let status = -1;
    const deadline = Date.now() + 120_000;
    while (status !== 0 && Date.now() < deadline && server.exitCode === null) {
      status = await healthcheck();
      if (status !== 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status, 0, 'the HEALTHCHECK passes against the running server');
    // package.json made it: it marks dist/ as ES modules and gives the version /livez answers.
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const livez = (await (await fetch(`http://127.0.0.1:${port}/livez`)).json()) as { version: string };
    assert.equal(livez.version, version);
    // The web console came with the build (npm run build makes it), on the main port here.
    const consolePage = await fetch(`http://127.0.0.1:${port}/console/`);
    assert.equal(consolePage.status, 200, 'the image serves the web console');
  } finally {
    server.kill('SIGTERM');
  }
  assert.equal(await exited, 0, 'SIGTERM stops the server cleanly');
  assert.equal(await healthcheck(), 1, 'the HEALTHCHECK fails once nothing listens');
});
