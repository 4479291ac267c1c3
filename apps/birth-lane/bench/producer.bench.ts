/**
 * `pnpm bench:producer`: the producer over a field-sized registry, against the forbidden fused
 * shortcut on an identical copy of the table. Not part of the tests. Uses DATABASE_URL if set,
 * else an embedded PostgreSQL. Prints a table per round and a summary, then a last JSON line.
 *
 *   BENCH_ROWS=200000 BENCH_ROUNDS=1 pnpm bench:producer   # a quicker look
 *
 * Why rounds: on a small shared machine one figure swings by a third from run to run (the fused
 * statement alone took 6.8 to 12.0 s over a dozen runs). Each round measures the reference and
 * then the producer on a fresh copy of one seeded database, so the two figures of a round share
 * the machine's state of the moment, and the summary reports the median of the rounds' ratios.
 */
import { execFileSync } from 'node:child_process';
import { installSteps, LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { defaultRuleSet, runProducer, saveRuleSet } from '@birth-lane/inspect-producer';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { laneSteps } from '../src/lane/lane-steps.js';
import { FIELD_ROWS, seedRegistry } from '../src/seed/seed-registry.js';

const rows = wholeNumberFromEnv('BENCH_ROWS', FIELD_ROWS, 1000);
const rounds = wholeNumberFromEnv('BENCH_ROUNDS', 3, 1);

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

const server = await startTestServer();
const stamp = Date.now();
const templateName = `birth_lane_bench_${stamp}`;
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
const urlOf = (database: string) => {
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  return url.toString();
};
const openPool = (database: string) => {
  const pool = new pg.Pool({ connectionString: urlOf(database), max: 4, options: LANE_SESSION_OPTIONS });
  // An idle session cut off while a scratch database is dropped must not end the bench.
  pool.on('error', (error) => log(`an idle session ended: ${error.message}`));
  return pool;
};
const databases: string[] = [];

/** Drops the scratch databases (a round's copy holds 1.2 million rows twice) and stops the server. */
async function cleanUp(): Promise<void> {
  for (const name of databases.reverse()) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await server.stop();
}

// Ctrl-C: clean up the same way, on a fresh connection (the one in use may be busy), then exit 130.
process.once('SIGINT', () => {
  log('interrupted: dropping the scratch databases');
  const cleaner = new pg.Client({ connectionString: server.url });
  cleaner
    .connect()
    .then(async () => {
      for (const name of databases) await cleaner.query(`drop database if exists ${name} with (force)`);
      await cleaner.end();
    })
    .catch((error: unknown) => log(`could not drop them all: ${(error as Error).message}`))
    .finally(() => server.stop().finally(() => process.exit(130)));
});

try {
  log(`PostgreSQL from ${server.source}; ${rounds} round(s) of ${rows.toLocaleString('en')} rows`);
  databases.push(templateName);
  await admin.query(`create database ${templateName}`);
  const template = openPool(templateName);
  try {
    await prepareTemplate(template, urlOf(templateName));
  } finally {
    await template.end();
  }
  // FILE_COPY copies the files after a checkpoint; the default (WAL_LOG, PostgreSQL 15 and later)
  // would write the whole seeded database through the WAL for every round.
  const { rows: version } = await admin.query<{ num: number }>(
    "select current_setting('server_version_num')::int as num",
  );
  const copyStrategy = version[0]!.num >= 150000 ? ' strategy = file_copy' : '';

  const results: RoundResult[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const name = `${templateName}_r${round}`;
    databases.push(name);
    await admin.query(`create database ${name} template ${templateName}${copyStrategy}`);
    const pool = openPool(name);
    try {
      const result = await measureRound(pool);
      results.push(result);
      printBenchReport(`round ${round} of ${rounds}`, { ...result });
    } finally {
      await pool.end();
      await admin.query(`drop database if exists ${name} with (force)`);
    }
  }

  const first = results[0]!;
  const { rows: settings } = await admin.query<{ version: string }>(
    "select current_setting('server_version') as version",
  );
  printBenchReport('birth-lane producer vs the fused shortcut (median of the rounds)', {
    rounds,
    rows: first.rows,
    ratio: median(results.map((result) => result.ratio)),
    ratios: results.map((result) => result.ratio.toFixed(3)).join(' '),
    seconds: median(results.map((result) => result.seconds)),
    referenceSeconds: median(results.map((result) => result.referenceSeconds)),
    rowsPerSecond: Math.round(median(results.map((result) => result.rowsPerSecond))),
    maxBatchMs: Math.max(...results.map((result) => result.maxBatchMs)),
    passedGate: first.passedGate,
    failedPen: first.failedPen,
    skipped: first.skipped,
    ambiguous: first.ambiguous,
    certifiedAfter: first.certifiedAfter,
    outcome: results.every((result) => result.outcome === 'completed') ? 'completed' : 'see rounds',
    postgres: settings[0]!.version,
    server: server.source,
  });
} finally {
  await cleanUp();
}

/**
 * The lane, the default rule set activated the governed way (the demo logins approve; this
 * compiles birth_lane.inspect_batch, through which the producer below stamps, as every channel
 * does), the seeded registry, and the reference's copy of it.
 */
async function prepareTemplate(pool: pg.Pool, url: string): Promise<void> {
  await installSteps(pool, laneSteps);
  await saveRuleSet(pool, defaultRuleSet);
  await activateWithDemoApprovals(pool, url, defaultRuleSet.version);
  const began = performance.now();
  await seedRegistry(pool, rows, (done) => log(`seeded ${done.toLocaleString('en')} rows`));
  log(`seeded in ${seconds(began).toFixed(1)} s`);
  // The reference: the same rows, the same indexes, none of the lane's triggers (the real table
  // refuses the fused statement), updated all at once without any check.
  await pool.query('create table public.bench_fused (like public.birth_registry including all)');
  await pool.query('insert into public.bench_fused select * from public.birth_registry');
  await pool.query('vacuum analyze public.bench_fused');
  // No autovacuum on either table while they are timed: the fused statement's dead rows can only
  // be cleaned up after its one transaction ends (after its timer stops), while the producer's
  // batches commit as they go, so autovacuum would clean up after them during the producer's
  // timed run, on the same cores. Neither figure includes the cleanup.
  await pool.query('alter table public.birth_registry set (autovacuum_enabled = false)');
  await pool.query('alter table public.bench_fused set (autovacuum_enabled = false)');
}

interface RoundResult {
  rows: number;
  scanned: number;
  seconds: number;
  rowsPerSecond: number;
  referenceSeconds: number;
  ratio: number;
  maxBatchMs: number;
  batches: number;
  passedPen: number;
  passedStamp: number;
  passedGate: number;
  failedPen: number;
  failedStamp: number;
  failedGate: number;
  skipped: number;
  ambiguous: number;
  certifiedAfter: number;
  outcome: string;
}

async function measureRound(pool: pg.Pool): Promise<RoundResult> {
  const { rows: uncertified } = await pool.query<{ n: number }>(
    'select count(*)::int as n from public.birth_registry where certified = false',
  );

  await settle(pool);
  let began = performance.now();
  const fused = await pool.query(
    `update public.bench_fused
        set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now(), certified = true, certified_at = now()
      where certified = false`,
  );
  const referenceSeconds = seconds(began);
  log(`fused shortcut: ${fused.rowCount} rows in ${referenceSeconds.toFixed(2)} s`);
  // Its dead rows are no business of the producer's run.
  await pool.query('drop table public.bench_fused');

  await settle(pool);
  let maxBatchMs = 0;
  let batches = 0;
  began = performance.now();
  const report = await runProducer(pool, {
    channel: 'once',
    onBatch: (batch) => {
      batches += 1;
      maxBatchMs = Math.max(maxBatchMs, batch.elapsedMs);
    },
    onProgress: ({ scanned }) => {
      if (batches % 50 === 0) log(`producer: ${scanned.toLocaleString('en')} rows`);
    },
  });
  const producerSeconds = seconds(began);
  log(`producer: ${report.scanned + report.skipped} rows in ${producerSeconds.toFixed(2)} s`);

  const { rows: after } = await pool.query<{ certified: number }>(
    'select count(*) filter (where certified)::int as certified from public.birth_registry',
  );
  const scanned = report.scanned + report.skipped;
  return {
    rows: uncertified[0]!.n,
    scanned,
    seconds: round(producerSeconds),
    rowsPerSecond: Math.round(scanned / producerSeconds),
    referenceSeconds: round(referenceSeconds),
    ratio: round(producerSeconds / referenceSeconds),
    maxBatchMs: round(maxBatchMs),
    batches,
    passedPen: report.passed.pen,
    passedStamp: report.passed.stamp,
    passedGate: report.passed.gate,
    failedPen: report.failed.pen,
    failedStamp: report.failed.stamp,
    failedGate: report.failed.gate,
    skipped: report.skipped,
    ambiguous: report.ambiguous,
    certifiedAfter: after[0]!.certified,
    outcome: report.outcome,
  };
}

/**
 * Before each timed statement: a checkpoint, then the operating system's own writeback (`sync`),
 * so neither figure pays for writing out what came before it (the copied database, the other
 * statement's pages). Without the sync, the reference on a fresh copy took 9.7-12.1 s instead
 * of about 7 s. It flushes this machine only, so it helps only a local server; where there is no
 * `sync` command it is skipped.
 */
async function settle(pool: pg.Pool): Promise<void> {
  await pool.query('checkpoint');
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // No sync command here: nothing to flush that we could reach.
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function wholeNumberFromEnv(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${name} must be a whole number of at least ${minimum}, got ${raw}`);
  return value;
}
