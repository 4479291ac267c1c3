import { contractSteps, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { saveAndActivate } from './activate.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

/**
 * The producer's cursor (where the database-side walk resumes) tried as an attacker holding the
 * producer role would, through its own LOGIN: it can neither write the cursor row nor make the
 * server move it anywhere but where its own open run's batches reached.
 */
const t = useTestDatabase({ setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation) });
const logins: LaneLogin[] = [];
let producer: LaneLogin;
let otherProducer: LaneLogin;

async function refusal(work: () => Promise<unknown>): Promise<{ state?: string; constraint?: string }> {
  try {
    await work();
  } catch (error) {
    return { state: sqlStateOf(error), constraint: (error as { constraint?: string }).constraint };
  }
  throw new Error('expected the attempt to be refused');
}

async function cursor(): Promise<{ after_id: string; rule_set_hash: string | null } | undefined> {
  const { rows } = await t.db.pool.query(
    "select after_id::text, rule_set_hash from birth_lane.producer_cursor where name = 'run_producer'",
  );
  return rows[0];
}

async function seedRows(count: number): Promise<void> {
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status)
     select 'CUR-' || g, 'fauna', 'SP-MAMMAL', 'dot://zoo/1', '2025-06-01T00:00:00Z', 'A cat',
            'A small domesticated carnivorous mammal.', 'active'
       from generate_series(1, $1::int) g`,
    [count],
  );
}

async function beginRun(login: LaneLogin): Promise<string> {
  const { rows } = await login.client.query<{ run: string }>("select birth_lane.begin_run('pg-cron') as run");
  return rows[0]!.run;
}

beforeAll(async () => {
  await saveAndActivate(t.db, defaultRuleSet);
  producer = await createLaneLogin(t.db, 'birth_lane_producer');
  otherProducer = await createLaneLogin(t.db, 'birth_lane_producer');
  logins.push(producer, otherProducer);
  await seedRows(5);
});
afterAll(() => dropLaneLogins(t.db, logins));

describe('the producer cursor is written only by the server', () => {
  it('the honest path moves it: run_producer as the producer login walks to the end and back to 0', async () => {
    await producer.client.query('call birth_lane.run_producer(2, 3000)');
    const after = await cursor();
    // The walk reached the end (the last batch took no row), so it starts over next time.
    expect(after).toEqual({ after_id: '0', rule_set_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('refuses a direct INSERT or UPDATE of the cursor, and the cursor stays', async () => {
    const before = await cursor();
    const update = await refusal(() =>
      producer.client.query(
        "update birth_lane.producer_cursor set after_id = 999999999 where name = 'run_producer'",
      ),
    );
    expect(update.state).toBe(SQLSTATE.insufficientPrivilege);
    const insert = await refusal(() =>
      producer.client.query(
        "insert into birth_lane.producer_cursor (name, after_id, rule_set_hash) values ('other', 999999999, 'forged')",
      ),
    );
    expect(insert.state).toBe(SQLSTATE.insufficientPrivilege);
    const remove = await refusal(() => producer.client.query('delete from birth_lane.producer_cursor'));
    expect(remove.state).toBe(SQLSTATE.insufficientPrivilege);
    expect(await cursor()).toEqual(before);
  });

  it("refuses to move the cursor for another login's run", async () => {
    const before = await cursor();
    const run = await beginRun(otherProducer);
    await otherProducer.client.query('select * from birth_lane.inspect_batch($1::uuid, 0, null, 2)', [run]);
    const attempt = await refusal(() =>
      producer.client.query('select birth_lane.advance_producer_cursor($1::uuid, false)', [run]),
    );
    expect(attempt).toEqual({ state: 'BL001', constraint: 'run_of_another_login' });
    expect(await cursor()).toEqual(before);
  });

  it('refuses a finished run, and a run that inspected no batch', async () => {
    const before = await cursor();
    const empty = await beginRun(producer);
    const none = await refusal(() =>
      producer.client.query('select birth_lane.advance_producer_cursor($1::uuid, false)', [empty]),
    );
    expect(none).toEqual({ state: 'BL001', constraint: 'run_took_no_batch' });
    await producer.client.query("select birth_lane.finish_run($1::uuid, 'completed')", [empty]);
    const finished = await refusal(() =>
      producer.client.query('select birth_lane.advance_producer_cursor($1::uuid, true)', [empty]),
    );
    expect(finished).toEqual({ state: 'BL001', constraint: 'run_finished' });
    expect(await cursor()).toEqual(before);
  });

  it("moves it only to where the caller's own run reached, under the run's rule set", async () => {
    const run = await beginRun(producer);
    const { rows } = await producer.client.query<{ last_id: string }>(
      'select last_id from birth_lane.inspect_batch($1::uuid, 0, null, 2)',
      [run],
    );
    const { rows: moved } = await producer.client.query<{ after: string }>(
      'select birth_lane.advance_producer_cursor($1::uuid, false)::text as after',
      [run],
    );
    expect(moved[0]!.after).toBe(rows[0]!.last_id);
    const { rows: runs } = await t.db.pool.query<{ hash: string }>(
      'select rule_set_hash as hash from birth_lane.producer_runs where run_id = $1::uuid',
      [run],
    );
    expect(await cursor()).toEqual({ after_id: rows[0]!.last_id, rule_set_hash: runs[0]!.hash });
  });

  it('is callable by no one but the producer role (EXECUTE revoked from PUBLIC)', async () => {
    const { rows } = await t.db.pool.query<{ grantee: string }>(
      `select case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end as grantee
         from pg_proc p, aclexplode(p.proacl) a
        where p.oid = 'birth_lane.advance_producer_cursor(uuid,boolean)'::regprocedure and a.grantee <> p.proowner`,
    );
    expect(rows.map((row) => row.grantee)).toEqual(['birth_lane_producer']);
  });
});
