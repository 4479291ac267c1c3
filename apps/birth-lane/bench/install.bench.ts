/**
 * `pnpm bench:install`: what the gated install plan costs. On three fresh databases: the catalog
 * snapshot of the installed lane (the unit every check is made of), a rehearsal of every step of
 * the plan in one BEGIN … ROLLBACK (with the entry = exit proof), and the whole demo install
 * (bootstrap, rehearsal, one approval per step by demo logins, apply, verify) as `start` runs it.
 * Not part of the tests. Uses DATABASE_URL if set, else an embedded PostgreSQL. Prints a table,
 * then a last JSON line.
 */
import { catalogSnapshotHash, LANE_SESSION_OPTIONS, snapshotCatalog } from '@birth-lane/contract';
import { rehearseSteps } from '@birth-lane/install-plan';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { installWithPlan } from '../src/install/install-with-plan.js';
import { planSteps } from '../src/lane/plan-steps.js';

const SNAPSHOTS = 20;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const server = await startTestServer();
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
const created: string[] = [];

/** A fresh database on the server, and a pool on it. */
async function freshDatabase(label: string): Promise<{ pool: pg.Pool; url: string }> {
  const name = `birth_lane_bench_install_${label}_${Date.now()}`;
  await admin.query(`create database ${name}`);
  created.push(name);
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return {
    pool: new pg.Pool({ connectionString: url.toString(), max: 4, options: LANE_SESSION_OPTIONS }),
    url: url.toString(),
  };
}

try {
  log(`PostgreSQL from ${server.source}; ${planSteps.length} plan steps`);

  // 1. The whole demo install on a fresh database, as `start` runs it on the embedded one.
  const demo = await freshDatabase('demo');
  const installBegan = performance.now();
  const summary = await installWithPlan(demo.pool, { url: demo.url, demoApprovals: true });
  const installSeconds = (performance.now() - installBegan) / 1000;
  if (!summary.verify.ok) throw new Error(`verify failed: ${JSON.stringify(summary.verify.checks)}`);

  // 2. Snapshots of the installed lane.
  const connection = await demo.pool.connect();
  const timings: number[] = [];
  let objects = 0;
  try {
    objects = Object.keys((await snapshotCatalog(connection)).objects).length;
    for (let index = 0; index < SNAPSHOTS; index += 1) {
      const began = performance.now();
      catalogSnapshotHash(await snapshotCatalog(connection));
      timings.push(performance.now() - began);
    }
  } finally {
    connection.release();
  }
  await demo.pool.end();

  // 3. A rehearsal of every step on an empty database, in one transaction, rolled back.
  const empty = await freshDatabase('rehearse');
  const rehearseBegan = performance.now();
  const rehearsal = await rehearseSteps(empty.pool, planSteps);
  const rehearseSeconds = (performance.now() - rehearseBegan) / 1000;
  await empty.pool.end();
  if (!rehearsal.identical || rehearsal.rehearsals.some((entry) => !entry.passed))
    throw new Error('the rehearsal did not pass with entry = exit');

  printBenchReport(`install plan: ${planSteps.length} steps (${server.source})`, {
    steps: planSteps.length,
    catalogObjects: objects,
    snapshotMedianMs: median(timings),
    rehearseAllSeconds: rehearseSeconds,
    rehearsalProof: rehearsal.identical ? 'entry = exit' : 'DIFFERENT',
    demoInstallSeconds: installSeconds,
    demoApplied: summary.applied,
    demoApproved: summary.approved,
    demoBootstrap: summary.bootstrap,
    verify: summary.verify.ok ? 'passed' : 'FAILED',
  });
} finally {
  for (const name of created) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await server.stop?.();
}
