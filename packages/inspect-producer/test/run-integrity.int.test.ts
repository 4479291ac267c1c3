import { contractSteps, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { runProducer } from '../src/run/run-producer.js';
import { saveAndActivate } from './activate.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

/**
 * Review findings M1 (inflated run counts), M2 (stamps at the caller's transaction start) and M6
 * (any channel label), tried by a LOGIN role holding birth_lane_producer on its own connection.
 */
const t = useTestDatabase({ setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation) });
const logins: LaneLogin[] = [];
let producer: LaneLogin;

async function refusal(work: () => Promise<unknown>): Promise<{ state?: string; constraint?: string }> {
  try {
    await work();
  } catch (error) {
    return { state: sqlStateOf(error), constraint: (error as { constraint?: string }).constraint };
  }
  throw new Error('expected the attempt to be refused');
}

async function seedRow(code: string, bornAt = "'2025-06-01T00:00:00Z'::timestamptz"): Promise<string> {
  const { rows } = await t.db.pool.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status)
     values ($1::text, 'fauna', 'SP-MAMMAL', 'dot://zoo/1', ${bornAt}, 'A cat', 'A small domesticated carnivorous mammal.', 'active')
     returning id::text`,
    [code],
  );
  return rows[0]!.id;
}

async function beginRun(channel = 'once'): Promise<string> {
  const { rows } = await producer.client.query<{ run: string }>(
    'select birth_lane.begin_run($1::text) as run',
    [channel],
  );
  return rows[0]!.run;
}

beforeAll(async () => {
  await saveAndActivate(t.db, defaultRuleSet);
  producer = await createLaneLogin(t.db, 'birth_lane_producer');
  logins.push(producer);
});
afterAll(() => dropLaneLogins(t.db, logins));

describe('M1: a run counts each id once', () => {
  it('refuses a batch over ids the run already inspected, so the counts cannot be inflated', async () => {
    const first = await seedRow('RI-101');
    const second = await seedRow('RI-102');
    const run = await beginRun();
    const after = String(Number(first) - 1);
    await producer.client.query(
      'select * from birth_lane.inspect_batch($1::uuid, $2::bigint, $3::bigint, 100)',
      [run, after, second],
    );
    // The whole range again, and a range overlapping it partly: both refused, nothing counted.
    for (const [from, until] of [
      [after, second],
      [first, null],
    ] as const) {
      const again = await refusal(() =>
        producer.client.query(
          'select * from birth_lane.inspect_batch($1::uuid, $2::bigint, $3::bigint, 100)',
          [run, from, until],
        ),
      );
      expect(again).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_range_inspected' });
    }
    // The reviewer's loop, in one DO block: refused at the second call, the run untouched.
    const loop = await refusal(() =>
      producer.client.query(
        `do $$ begin for i in 1..5 loop
           perform * from birth_lane.inspect_batch('${run}'::uuid, ${after}, ${second}, 50000);
         end loop; end $$`,
      ),
    );
    expect(loop).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_range_inspected' });
    const { rows } = await producer.client.query<{ report: Record<string, unknown> }>(
      "select birth_lane.finish_run($1::uuid, 'completed', null) as report",
      [run],
    );
    expect(rows[0]!.report).toMatchObject({ scanned: 2, passed: { pen: 2, stamp: 2, gate: 2 } });
  });

  it('lets the honest runner walk concurrent chunks in small batches without a refusal', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) ids.push(await seedRow(`RI-2${String(i).padStart(2, '0')}`));
    const report = await runProducer(t.db.pool, {
      channel: 'once',
      idFrom: ids[0]!,
      concurrency: 2,
      chunkIds: 7,
      batchSize: 3,
      minBatchSize: 1,
      maxBatchSize: 3,
    });
    expect(report.outcome).toBe('completed');
    expect(report.scanned).toBe(30);
  });
});

describe('M2: stamps carry the inspection time, not the caller transaction start', () => {
  it('does not fail a birth minted while the caller held its transaction open, nor backdate the stamps', async () => {
    const run = await beginRun();
    await producer.client.query('begin');
    try {
      const { rows: started } = await producer.client.query<{ at: Date }>('select now() as at');
      await producer.client.query('select pg_sleep(1.5)');
      const id = await seedRow('RI-301', 'clock_timestamp()');
      await producer.client.query(
        'select * from birth_lane.inspect_batch($1::uuid, $2::bigint, $3::bigint, 10)',
        [run, String(Number(id) - 1), id],
      );
      await producer.client.query('commit');
      const { rows } = await t.db.pool.query<{
        born_at: Date;
        inspect_pen: Date | null;
        inspect_gate: Date | null;
      }>('select born_at, inspect_pen, inspect_gate from public.birth_registry where id = $1::bigint', [id]);
      const { rows: failures } = await t.db.pool.query<{ check_id: string }>(
        "select check_id from birth_lane.evidence where kind = 'inspection_failure' and row_id = $1::bigint",
        [id],
      );
      expect(failures.map((f) => f.check_id)).toEqual([]);
      expect(rows[0]!.inspect_pen).not.toBeNull();
      expect(rows[0]!.inspect_pen!.getTime()).toBeGreaterThanOrEqual(rows[0]!.born_at.getTime());
      expect(rows[0]!.inspect_gate!.getTime()).toBe(rows[0]!.inspect_pen!.getTime());
      expect(rows[0]!.inspect_pen!.getTime() - started[0]!.at.getTime()).toBeGreaterThan(1000);
    } finally {
      await producer.client.query('rollback').catch(() => undefined);
    }
  });
});

describe('M6: a producer run carries only a producer channel', () => {
  it('refuses begin_run and run_producer with a channel outside the producer channels', async () => {
    for (const channel of ['backlog', 'staging', 'test', 'anything']) {
      const begun = await refusal(() => beginRun(channel));
      expect(begun).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_channel_not_producer' });
    }
    const called = await refusal(() =>
      producer.client.query("call birth_lane.run_producer(100, 1000, 'staging')"),
    );
    expect(called).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_channel_not_producer' });
    const { rows } = await t.db.pool.query<{ n: number }>(
      "select count(*)::int as n from birth_lane.producer_runs where channel not in ('once', 'schedule', 'pg-cron', 'http', 'queue', 'listen')",
    );
    expect(rows[0]!.n).toBe(0);
  });
});
