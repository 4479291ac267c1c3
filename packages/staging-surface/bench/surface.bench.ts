/**
 * `pnpm bench` in this package: create, run and drop a staging surface sampled from a registry of
 * BENCH_ROWS rows (default 120,000, so a 100,000-row sample has rows to skip). Not part of the
 * tests. Uses DATABASE_URL if set, else an embedded PostgreSQL; works in a scratch database it
 * drops at the end. Prints a table, then a last JSON line.
 *
 *   BENCH_ROWS=120000 BENCH_SAMPLE=100000 pnpm --filter @birth-lane/staging-surface bench
 */
import { birthSteps } from '@birth-lane/birth';
import { certifySteps } from '@birth-lane/certify-consumer';
import { contractSteps } from '@birth-lane/contract';
import { inspectContractSteps } from '@birth-lane/inspect-contract';
import { defaultRuleSet, inspectionCompiler, ruleSetSteps } from '@birth-lane/inspect-producer';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { createSurface, dropSurface, runSurface, stagingSteps } from '../src/index.js';

const rows = Number(process.env['BENCH_ROWS'] ?? 120_000);
const sample = Number(process.env['BENCH_SAMPLE'] ?? 100_000);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

const server = await startTestServer();
const database = `bl_bench_staging_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query(`create database ${database}`);
const url = new URL(server.url);
url.pathname = `/${database}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
try {
  for (const step of [
    ...contractSteps,
    ...birthSteps,
    ...inspectContractSteps,
    ...certifySteps,
    ...ruleSetSteps,
    ...stagingSteps,
  ])
    await pool.query(step.mutation);
  let started = performance.now();
  // One row in ten is observed, one in seven fails STAMP: a sample walks past rows and records failures.
  await pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role, born_at,
                                        name, description, status)
     select 'BENCH-' || lpad(n::text, 7, '0'), 'fauna', 'SP-MAMMAL', 'dot://bench', case when n % 10 = 0 then 'observed' else 'governed' end,
            '2025-01-01', 'row ' || n, case when n % 7 = 0 then 'short' else 'A row long enough to pass the checks.' end, 'active'
       from generate_series(1, $1::int) n`,
    [rows],
  );
  await pool.query('vacuum analyze public.birth_registry');
  log(`seeded ${rows} rows in ${seconds(started).toFixed(1)} s`);

  const ruleSet = { kind: 'document', ruleSet: defaultRuleSet, source: 'bench' } as const;
  started = performance.now();
  const surface = await createSurface(pool, {
    compiler: inspectionCompiler,
    ruleSet,
    input: { kind: 'sample', size: sample },
  });
  const createSeconds = seconds(started);
  started = performance.now();
  const counts = await runSurface(pool, surface.surfaceId, { compiler: inspectionCompiler });
  const runSeconds = seconds(started);
  started = performance.now();
  const dropped = await dropSurface(pool, surface.surfaceId);
  const dropAndResidueSeconds = seconds(started);
  printBenchReport(`staging surface: ${sample}-row sample of a ${rows}-row registry (${server.source})`, {
    registryRows: rows,
    surfaceRows: surface.loaded,
    createSeconds: Number(createSeconds.toFixed(3)),
    runSeconds: Number(runSeconds.toFixed(3)),
    passedGate: counts.passed.gate,
    failedStamp: counts.failed.stamp,
    dropSeconds: Number((dropped.droppedInMs / 1000).toFixed(3)),
    dropAndResidueCheckSeconds: Number(dropAndResidueSeconds.toFixed(3)),
  });
} finally {
  await pool.end();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
  await server.stop();
}
