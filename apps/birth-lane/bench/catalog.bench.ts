/**
 * `pnpm bench:catalog`: what a catalog snapshot costs on the whole lane (every install step
 * applied, pg-cron's included). Takes BENCH_SNAPSHOTS (default 50) snapshots on one connection
 * and reports the object count and the median and p95 time of one snapshot, then the same for a
 * snapshot through the pool (which checks out one connection each time). Not part of the tests.
 * Uses DATABASE_URL if set (a superuser: the bench creates and drops a scratch database), else an
 * embedded PostgreSQL. Prints a table and a last JSON line.
 */
import { pgCronSteps } from '@birth-lane/channel-pg-cron';
import { LANE_SESSION_OPTIONS, snapshotCatalog } from '@birth-lane/contract';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { laneSteps } from '../src/lane/lane-steps.js';

const SNAPSHOTS = Number(process.env.BENCH_SNAPSHOTS ?? 50);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
}

async function time(work: () => Promise<unknown>): Promise<number[]> {
  const timings: number[] = [];
  for (let index = 0; index < SNAPSHOTS; index += 1) {
    const started = performance.now();
    await work();
    timings.push(performance.now() - started);
  }
  return timings.sort((a, b) => a - b);
}

const server = await startTestServer();
const databaseName = `birth_lane_bench_catalog_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
await admin.query(`create database ${databaseName}`);
const url = new URL(server.url);
url.pathname = `/${databaseName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 2, options: LANE_SESSION_OPTIONS });
try {
  log(`PostgreSQL from ${server.source}; database ${databaseName}`);
  for (const step of [...laneSteps, ...pgCronSteps]) await pool.query(step.mutation);
  const connection = await pool.connect();
  let objects = 0;
  let onConnection: number[];
  try {
    objects = Object.keys((await snapshotCatalog(connection)).objects).length;
    onConnection = await time(() => snapshotCatalog(connection));
  } finally {
    connection.release();
  }
  const throughPool = await time(() => snapshotCatalog(pool));
  printBenchReport(`catalog snapshot of the whole lane (${SNAPSHOTS} snapshots each)`, {
    objects,
    connectionMedianMs: percentile(onConnection, 0.5),
    connectionP95Ms: percentile(onConnection, 0.95),
    poolMedianMs: percentile(throughPool, 0.5),
    poolP95Ms: percentile(throughPool, 0.95),
  });
} finally {
  await pool.end();
  await admin.query(`drop database if exists ${databaseName} with (force)`);
  await admin.end();
  await server.stop?.();
}
