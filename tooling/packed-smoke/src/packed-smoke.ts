/**
 * `pnpm smoke:packed`: what a user gets from npm, tried for real. Builds and packs every
 * publishable package, installs the tarballs with npm into a fresh project in the OS temp folder
 * (outside the workspace, so nothing resolves to workspace sources), and runs consumer/smoke.mjs
 * there against a scratch database: on DATABASE_URL's server if set, else on an embedded
 * PostgreSQL started for this run. The scratch database, the server and the temp folder are
 * removed at the end, also when something failed. Exits 1 on any failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPackages,
  packPackages,
  publishablePackages,
  runCommand,
  secondsSince,
} from '@birth-lane/package-checks';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';

const PACKAGE_DIR = join(import.meta.dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Work to undo at the end, newest first; each runs once even if a signal and `finally` both ask. */
const cleanups: { what: string; run: () => Promise<void> }[] = [];
let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        process.stderr.write(
          `smoke:packed    could not ${cleanup.what}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      }
    }
  })();
  return cleaning;
}

async function main(): Promise<number> {
  const started = performance.now();
  const packages = publishablePackages();
  if (packages.length === 0) throw new Error('no publishable package under packages/');
  say(
    `smoke:packed    ${packages.length} publishable packages: ${packages.map((pkg) => pkg.name).join(', ')}`,
  );

  let phase = performance.now();
  const cached = await buildPackages(packages);
  say(`build           done in ${secondsSince(phase)}${cached ? ` (turbo: ${cached})` : ''}`);

  // Under the OS temp folder, never inside the workspace: no parent node_modules to fall back on.
  const root = await mkdtemp(join(tmpdir(), 'birth-lane-packed-smoke-'));
  cleanups.push({ what: `remove ${root}`, run: () => rm(root, { recursive: true, force: true }) });
  const tarballs = join(root, 'tarballs');
  const project = join(root, 'consumer');
  await mkdir(tarballs);
  await mkdir(project);

  phase = performance.now();
  const packed = await packPackages(packages, tarballs);
  say(`pack            ${packed.length} tarballs (pnpm pack) in ${secondsSince(phase)}`);

  phase = performance.now();
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'birth-lane-packed-consumer', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
  );
  await copyFile(join(PACKAGE_DIR, 'consumer', 'smoke.mjs'), join(project, 'smoke.mjs'));
  const pgSpec = `pg@${await ownPgRange()}`;
  const install = await runCommand(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--loglevel=error',
      ...packed.map((pkg) => pkg.tarball),
      pgSpec,
    ],
    { cwd: project, env: cleanEnv() },
  );
  if (install.code !== 0) throw new Error(`npm install failed (exit ${install.code}):\n${install.output}`);
  say(
    `install         ${packed.length} tarballs + ${pgSpec} with npm into ${project} in ${secondsSince(phase)}`,
  );

  phase = performance.now();
  const databaseUrl = process.env['DATABASE_URL'];
  // Only the variable the brief names: a URL if set, else embedded (never a Docker probe).
  const server = await startTestServer(
    databaseUrl
      ? { DATABASE_URL: databaseUrl, BIRTH_LANE_TEST_SERVER: 'url' }
      : { BIRTH_LANE_TEST_SERVER: 'embedded' },
  );
  cleanups.push({ what: `stop the server (${server.source})`, run: () => server.stop() });
  const scratch = `birth_lane_packed_smoke_${randomBytes(4).toString('hex')}`;
  await withAdmin(server.url, (admin) => admin.query(`create database ${scratch} template template0`));
  cleanups.push({
    what: `drop database ${scratch}`,
    run: async () => {
      await withAdmin(server.url, (admin) => admin.query(`drop database if exists ${scratch} with (force)`));
    },
  });
  say(`database        ${scratch} on ${server.source}, ready in ${secondsSince(phase)}`);

  phase = performance.now();
  const consumerCode = await runConsumer(project, databaseIn(server.url, scratch));
  say(`consumer        exit ${consumerCode} in ${secondsSince(phase)}`);

  phase = performance.now();
  await cleanUp();
  say(
    `clean up        scratch database dropped, server released, temp folder removed in ${secondsSince(phase)}`,
  );
  if (consumerCode !== 0) {
    say(
      `smoke:packed    FAILED: the packed packages did not run the lane as expected, in ${secondsSince(started)}`,
    );
    return 1;
  }
  say(
    `smoke:packed    ok: ${packed.length} packed packages installed with npm outside the workspace ran the lane, in ${secondsSince(started)}`,
  );
  return 0;
}

/** The pg range this tooling package itself uses: the consumer gets the same. */
async function ownPgRange(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return manifest.dependencies['pg']!;
}

/**
 * The environment for npm and the consumer: without pnpm's npm_* settings and NODE_OPTIONS (which
 * could carry the workspace's `--conditions=@birth-lane/source`), so they behave as on a user's
 * machine.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_)/i.test(key) || key === 'NODE_OPTIONS' || key === 'NODE_PATH') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** The consumer while it runs, so a signal can stop it before its database goes. */
let consumer: ChildProcess | null = null;

/** Runs `node smoke.mjs` in the consumer project, its output passed straight through. */
function runConsumer(project: string, url: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['smoke.mjs'], {
      cwd: project,
      env: cleanEnv({ SMOKE_DATABASE_URL: url }),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    consumer = child;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      consumer = null;
      resolvePromise(code ?? (signal ? 128 : 1));
    });
  });
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `url` pointing at database `name`, keeping user, password, host, port and parameters. */
function databaseIn(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${encodeURIComponent(name)}`;
  return target.toString();
}

// Ctrl-C or a kill: still drop the scratch database and stop the server, then end as signalled.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    say(`smoke:packed    ${signal}: cleaning up`);
    consumer?.kill('SIGTERM');
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

main()
  .catch(async (error: unknown) => {
    process.stderr.write(
      `smoke:packed    FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  })
  .then(async (code) => {
    await cleanUp();
    process.exitCode = code;
  });
