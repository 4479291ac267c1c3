/**
 * `pnpm --filter @birth-lane/gate-policy bench`: what the birth gate costs per birth. Mints
 * BENCH_MINTS (default 100,000) births per mode through a source-table trigger made by the birth
 * trigger fabric (each source row calls birth_lane.mint_birth), with the gate off (trigger
 * disabled), in `warning` and in `block`, under the default rule set. All births are sound, so
 * the figure is the cost of judging PEN, not of refusing. The modes take turns batch by batch
 * (BENCH_BATCH rows per INSERT … SELECT), so a registry that grows during the bench weighs on each
 * mode alike. Not part of the tests. Uses DATABASE_URL if set (a superuser: the bench creates and
 * drops a scratch database), else an embedded PostgreSQL. Prints a table and a last JSON line.
 */
import { birthSteps, birthTriggerSql } from '@birth-lane/birth';
import { contractSteps, LANE_SESSION_OPTIONS, ruleSetHash } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { activateRuleSet, defaultRuleSet, ruleSetSteps, saveRuleSet } from '@birth-lane/inspect-producer';
import { printBenchReport } from '@birth-lane/test-kit/bench-report';
import { startTestServer } from '@birth-lane/test-kit/server';
import pg from 'pg';
import { gateSteps } from '../src/gate-steps.js';

const MINTS = Number(process.env.BENCH_MINTS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5_000);
const MODES = ['noGate', 'warning', 'block'] as const;
type Mode = (typeof MODES)[number];
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const server = await startTestServer();
const databaseName = `birth_lane_bench_gate_${Date.now()}`;
const admin = new pg.Client({ connectionString: server.url, options: LANE_SESSION_OPTIONS });
await admin.connect();
await admin.query(`create database ${databaseName}`);
const url = new URL(server.url);
url.pathname = `/${databaseName}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 4, options: LANE_SESSION_OPTIONS });
try {
  log(`PostgreSQL from ${server.source}; database ${databaseName}`);
  for (const step of [...contractSteps, ...birthSteps, ...ruleSetSteps, ...gateSteps])
    await pool.query(step.mutation);
  await saveRuleSet(pool, defaultRuleSet);
  const approvalId = await approveWithDemoLogins(
    pool,
    async (login, password) => {
      const as = new URL(url);
      as.username = login;
      as.password = password;
      const client = new pg.Client({ connectionString: as.toString() });
      await client.connect();
      return client;
    },
    {
      action: 'rule_set_activation',
      scope: { version: defaultRuleSet.version, hash: ruleSetHash(defaultRuleSet) },
    },
  );
  await activateRuleSet(pool, defaultRuleSet.version, { approvalId });
  await pool.query('create table public.bench_source (code text, coll text, created_at timestamptz)');
  await pool.query(
    birthTriggerSql({
      sourceTable: { schema: 'public', name: 'bench_source' },
      mapping: {
        entity_code: 'code',
        collection_name: 'coll',
        dot_origin: { literal: 'bench' },
        born_at: 'created_at',
      },
    }).createSql,
  );

  const session = await pool.connect();
  const seconds: Record<Mode, number> = { noGate: 0, warning: 0, block: 0 };
  let next = 1;
  const batches = Math.ceil(MINTS / BATCH);
  for (let batch = 0; batch < batches; batch++) {
    for (let turn = 0; turn < MODES.length; turn++) {
      const mode = MODES[(batch + turn) % MODES.length]!;
      await session.query(
        `alter table public.birth_registry ${mode === 'noGate' ? 'disable' : 'enable'} trigger trg_birth_gate`,
      );
      // The gate decides by the persisted settings (not this session value) and reads them only for a
      // defective birth; every birth here is sound, so warning and block run the same path.
      await session.query("select set_config('app.birth_gate_mode', $1::text, false)", [
        mode === 'noGate' ? 'warning' : mode,
      ]);
      const started = performance.now();
      await session.query(
        `insert into public.bench_source
         select 'BENCH-' || lpad(n::text, 9, '0'), 'fauna', now() - interval '1 minute'
           from generate_series($1::bigint, $2::bigint) n`,
        [next, next + BATCH - 1],
      );
      seconds[mode] += (performance.now() - started) / 1000;
      next += BATCH;
    }
    log(`batch ${batch + 1}/${batches}`);
  }
  session.release();
  const { rows } = await pool.query<{ warnings: string }>(
    "select count(*)::text as warnings from birth_lane.evidence where check_id = 'gate.birth_warning'",
  );
  const rate = (mode: Mode) => Math.round((batches * BATCH) / seconds[mode]);
  printBenchReport(`birth gate: ${batches * BATCH} mints per mode through a source-table trigger`, {
    mintsPerSecondNoGate: rate('noGate'),
    mintsPerSecondWarning: rate('warning'),
    mintsPerSecondBlock: rate('block'),
    warningCostPercent: Number((100 * (1 - rate('warning') / rate('noGate'))).toFixed(1)),
    blockCostPercent: Number((100 * (1 - rate('block') / rate('noGate'))).toFixed(1)),
    warningsRecorded: Number(rows[0]!.warnings),
  });
} finally {
  await pool.end();
  await admin.query(`drop database if exists ${databaseName} with (force)`);
  await admin.end();
  await server.stop?.();
}
