/**
 * `pnpm bench:backlog`: one full approved backlog pass over a seeded registry with one worker, and
 * one with two, each on a fresh copy of the same seeded database, against the forbidden fused
 * shortcut on an identical table in the same run. Not part of the tests. Uses DATABASE_URL if set,
 * else an embedded PostgreSQL. Prints a table, then a last JSON line.
 *
 *   BENCH_ROWS=200000 pnpm bench:backlog     # default: the field's 1,212,959 rows
 *
 * A pass is timed from its start on the approval to its last batch: start + scope re-check +
 * walking every slice (the plan and the votes, done by people, are not). The two workers are two
 * pools in this process, each running `runWorker`: to the database they are two independent
 * workers leasing slices, as two processes or two pg-boss jobs would be.
 */
import { execFileSync } from 'node:child_process';
import { planBacklogPass, runWorker, startPass, verifyScope } from '@birth-lane/backlog';
import { installSteps, LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { voteWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { defaultRuleSet, saveRuleSet } from '@birth-lane/inspect-producer';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { activateWithDemoApprovals, connectAs } from '../src/lane/demo-activation.js';
import { laneSteps } from '../src/lane/lane-steps.js';
import { FIELD_ROWS, seedRegistry } from '../src/seed/seed-registry.js';

const rows = wholeNumberFromEnv('BENCH_ROWS', FIELD_ROWS, 1000);
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (from: number) => (performance.now() - from) / 1000;

const server = await startTestServer();
const templateName = `birth_lane_bench_backlog_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
const urlOf = (database: string) => {
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  return url.toString();
};
const openPool = (database: string, max = 4) => {
  const pool = new pg.Pool({ connectionString: urlOf(database), max, options: LANE_SESSION_OPTIONS });
  pool.on('error', (error) => log(`an idle session ended: ${error.message}`));
  return pool;
};
const databases: string[] = [];

async function cleanUp(): Promise<void> {
  for (const name of databases.reverse()) await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
  await server.stop();
}

try {
  log(`PostgreSQL from ${server.source}; ${rows.toLocaleString('en')} rows`);
  databases.push(templateName);
  await admin.query(`create database ${templateName}`);
  const template = openPool(templateName);
  try {
    await installSteps(template, laneSteps);
    await saveRuleSet(template, defaultRuleSet);
    await activateWithDemoApprovals(template, urlOf(templateName), defaultRuleSet.version);
    const began = performance.now();
    await seedRegistry(template, rows, (done) => log(`seeded ${done.toLocaleString('en')} rows`));
    log(`seeded in ${seconds(began).toFixed(1)} s`);
    await template.query('create table public.bench_fused (like public.birth_registry including all)');
    await template.query('insert into public.bench_fused select * from public.birth_registry');
    await template.query('vacuum analyze public.bench_fused');
    await template.query('vacuum analyze public.birth_registry');
    // No autovacuum while timing (see producer.bench.ts): neither figure includes the cleanup.
    await template.query('alter table public.birth_registry set (autovacuum_enabled = false)');
    await template.query('alter table public.bench_fused set (autovacuum_enabled = false)');
  } finally {
    await template.end();
  }
  const { rows: version } = await admin.query<{ num: number; text: string }>(
    "select current_setting('server_version_num')::int as num, current_setting('server_version') as text",
  );
  const copyStrategy = version[0]!.num >= 150000 ? ' strategy = file_copy' : '';

  const copy = async (suffix: string) => {
    const name = `${templateName}_${suffix}`;
    databases.push(name);
    await admin.query(`create database ${name} template ${templateName}${copyStrategy}`);
    return name;
  };

  // The reference, in this same run: the fused statement on the identical, unguarded table.
  const referenceDb = await copy('ref');
  const reference = openPool(referenceDb);
  let referenceSeconds: number;
  let inScope: number;
  try {
    inScope = (
      await reference.query<{ n: number }>(
        'select count(*)::int as n from public.birth_registry where certified = false',
      )
    ).rows[0]!.n;
    await settle(reference);
    const began = performance.now();
    await reference.query(
      `update public.bench_fused
          set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now(), certified = true, certified_at = now()
        where certified = false`,
    );
    referenceSeconds = seconds(began);
    log(`fused shortcut: ${referenceSeconds.toFixed(2)} s`);
  } finally {
    await reference.end();
    await admin.query(`drop database if exists ${referenceDb} with (force)`);
  }

  const one = await measurePass(await copy('w1'), 1);
  const two = await measurePass(await copy('w2'), 2);
  printBenchReport('birth-lane backlog pass (approved, resumable) vs the fused shortcut', {
    rows: inScope,
    workers: '1 and 2',
    seconds1: one.seconds,
    seconds2: two.seconds,
    rowsPerSecond1: one.rowsPerSecond,
    rowsPerSecond2: two.rowsPerSecond,
    maxBatchMs: Math.max(one.maxBatchMs, two.maxBatchMs),
    maxPlanChunkMs: Math.max(one.maxPlanChunkMs, two.maxPlanChunkMs),
    maxVerifyChunkMs: Math.max(one.maxVerifyChunkMs, two.maxVerifyChunkMs),
    referenceSeconds: round(referenceSeconds),
    ratio2: round(two.seconds / referenceSeconds),
    batches1: one.batches,
    batches2: two.batches,
    state1: one.state,
    state2: two.state,
    postgres: version[0]!.text,
    server: server.source,
  });
} finally {
  await cleanUp();
}

interface PassResult {
  /** The longest single statement of the plan's scope walk and of the start's re-check (each chunk is one). */
  maxPlanChunkMs: number;
  maxVerifyChunkMs: number;
  seconds: number;
  rowsPerSecond: number;
  maxBatchMs: number;
  batches: number;
  state: string;
}

/** Plans and approves a pass over every id, then times start → scope re-check → all slices walked. */
async function measurePass(database: string, workers: number): Promise<PassResult> {
  const pools = Array.from({ length: workers }, () => openPool(database, 2));
  try {
    const db = pools[0]!;
    const bounds = (
      await db.query<{ first: string; last: string }>(
        'select min(id)::text as first, max(id)::text as last from public.birth_registry',
      )
    ).rows[0]!;
    let maxPlanChunkMs = 0;
    let chunkBegan = performance.now();
    const plan = await planBacklogPass(
      db,
      { idFrom: bounds.first, idTo: bounds.last, reason: 'bench' },
      {
        onProgress: () => {
          maxPlanChunkMs = Math.max(maxPlanChunkMs, performance.now() - chunkBegan);
          chunkBegan = performance.now();
        },
      },
    );
    await voteWithDemoLogins(db, (login, password) => connectAs(urlOf(database), login, password), [
      plan.approvalId,
    ]);
    await settle(db);
    let maxBatchMs = 0;
    let batches = 0;
    const began = performance.now();
    const runId = await startPass(db, plan.approvalId);
    let maxVerifyChunkMs = 0;
    chunkBegan = performance.now();
    // (onProgress reports every chunk but the last, which also cuts the slices; it ends below.)
    await verifyScope(db, runId, {
      onProgress: () => {
        maxVerifyChunkMs = Math.max(maxVerifyChunkMs, performance.now() - chunkBegan);
        chunkBegan = performance.now();
      },
    });
    maxVerifyChunkMs = Math.max(maxVerifyChunkMs, performance.now() - chunkBegan);
    const outcomes = await Promise.all(
      pools.map((pool) =>
        runWorker(pool, runId, {
          onBatch: (batch) => {
            batches += 1;
            maxBatchMs = Math.max(maxBatchMs, batch.elapsedMs);
            if (batches % 100 === 0) log(`${workers} worker(s): ${batches} batches`);
          },
        }),
      ),
    );
    const took = seconds(began);
    const taken = outcomes.reduce((sum, outcome) => sum + outcome.taken, 0);
    log(
      `${workers} worker(s): ${taken} rows in ${took.toFixed(2)} s (${outcomes.map((o) => o.state).join(', ')})`,
    );
    return {
      maxPlanChunkMs: round(maxPlanChunkMs),
      maxVerifyChunkMs: round(maxVerifyChunkMs),
      seconds: round(took),
      rowsPerSecond: Math.round(taken / took),
      maxBatchMs: round(maxBatchMs),
      batches,
      state: outcomes.every((outcome) => outcome.state === 'done')
        ? 'done'
        : outcomes.map((o) => o.state).join(','),
    };
  } finally {
    for (const pool of pools) await pool.end();
    await admin.query(`drop database if exists ${database} with (force)`);
  }
}

async function settle(pool: pg.Pool): Promise<void> {
  await pool.query('checkpoint');
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // No sync command here: nothing to flush that we could reach.
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function wholeNumberFromEnv(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < minimum) {
    throw new Error(`${name} must be a whole number of at least ${minimum}, got "${raw}"`);
  }
  return Number(raw);
}
