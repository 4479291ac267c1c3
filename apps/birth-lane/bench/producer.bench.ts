/**
 * `pnpm bench:producer`: the producer over a field-sized registry, against the forbidden fused
 * shortcut on an identical copy of the table. Not part of the tests. Uses DATABASE_URL if set,
 * else an embedded PostgreSQL. Prints a human table and a last JSON line.
 *
 *   BENCH_ROWS=200000 pnpm bench:producer   # a smaller registry for a quick look
 */
import { installSteps } from '@birth-lane/contract';
import { defaultRuleSet, runProducer, saveRuleSet } from '@birth-lane/inspect-producer';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { LANE_SESSION_OPTIONS } from '../src/database/session-options.js';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { laneSteps } from '../src/lane/lane-steps.js';
import { FIELD_ROWS, seedRegistry } from '../src/seed/seed-registry.js';
import { printBenchReport } from './bench-report.js';

const rows = Number(process.env['BENCH_ROWS'] ?? FIELD_ROWS);
if (!Number.isInteger(rows) || rows < 1000)
  throw new Error(`BENCH_ROWS must be an integer ≥ 1000, got ${process.env['BENCH_ROWS']}`);

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

const server = await startTestServer();
const databaseName = `birth_lane_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
await admin.query(`create database ${databaseName}`);
const url = new URL(server.url);
url.pathname = `/${databaseName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4, options: LANE_SESSION_OPTIONS });
// An idle session cut off while the scratch database is dropped must not end the bench.
pool.on('error', (error) => log(`an idle session ended: ${error.message}`));

try {
  log(`PostgreSQL from ${server.source}; database ${databaseName}`);
  await installSteps(pool, laneSteps);
  // Activated the governed way (the demo logins approve), which compiles birth_lane.inspect_batch:
  // the producer below stamps only through it, as every channel does.
  await saveRuleSet(pool, defaultRuleSet);
  await activateWithDemoApprovals(pool, url.toString(), defaultRuleSet.version);

  let began = performance.now();
  await seedRegistry(pool, rows, (done) => log(`seeded ${done.toLocaleString('en')} rows`));
  log(`seeded in ${seconds(began).toFixed(1)} s`);

  // The reference: the same rows, the same indexes, none of the lane's triggers (the real table
  // refuses the fused statement), updated all at once without any check.
  await pool.query('create table public.bench_fused (like public.birth_registry including all)');
  await pool.query('insert into public.bench_fused select * from public.birth_registry');
  await pool.query('vacuum analyze public.bench_fused');
  const { rows: uncertified } = await pool.query<{ n: number }>(
    'select count(*)::int as n from public.birth_registry where certified = false',
  );

  await pool.query('checkpoint');
  began = performance.now();
  const fused = await pool.query(
    `update public.bench_fused
        set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now(), certified = true, certified_at = now()
      where certified = false`,
  );
  const referenceSeconds = seconds(began);
  log(`fused shortcut: ${fused.rowCount} rows in ${referenceSeconds.toFixed(2)} s`);

  await pool.query('checkpoint');
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

  const { rows: after } = await pool.query<{ certified: number; ambiguous: number; version: string }>(
    `select count(*) filter (where certified)::int as certified,
            (select count(*)::int from birth_lane.evidence where kind = 'ambiguous_row') as ambiguous,
            current_setting('server_version') as version
       from public.birth_registry`,
  );
  const scanned = report.scanned + report.skipped;
  printBenchReport('birth-lane producer vs the fused shortcut', {
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
    postgres: after[0]!.version,
    server: server.source,
  });
} finally {
  await pool.end();
  await admin.query(`drop database if exists ${databaseName} with (force)`);
  await admin.end();
  await server.stop();
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
