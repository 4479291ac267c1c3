import {
  BirthLaneError,
  contractSteps,
  type RuleSet,
  ruleSetHash,
  ruleSetSchema,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { activateRuleSet, loadActiveRuleSet, saveRuleSet } from '../src/rules/rule-set-store.js';
import { approveActivation, saveAndActivate } from './activate.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

/**
 * The producer's trust boundary tried as an attacker would: a LOGIN role holding a lane role,
 * connected on its own (session_user is that login). Every attempt must be refused with nothing
 * written, and the honest path must still work.
 */
const t = useTestDatabase({ setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation) });
const logins: LaneLogin[] = [];
let producer: LaneLogin;
let otherProducer: LaneLogin;

async function refusal(
  work: () => Promise<unknown>,
): Promise<{ state?: string; constraint?: string; error: unknown }> {
  try {
    await work();
  } catch (error) {
    return { state: sqlStateOf(error), constraint: (error as { constraint?: string }).constraint, error };
  }
  throw new Error('expected the attempt to be refused');
}

async function seedRow(code: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const row = {
    entity_code: code,
    collection_name: 'fauna',
    species_code: 'SP-MAMMAL',
    dot_origin: 'dot://zoo/1',
    born_at: '2025-06-01T00:00:00Z',
    name: 'A cat',
    description: 'A small domesticated carnivorous mammal.',
    status: 'active',
    ...overrides,
  };
  const { rows } = await t.db.pool.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status)
     select entity_code, collection_name, species_code, dot_origin, born_at, name, description, status
       from jsonb_to_record($1::jsonb) as r(entity_code text, collection_name text, species_code text, dot_origin text,
            born_at timestamptz, name text, description text, status text)
     returning id::text`,
    [JSON.stringify(row)],
  );
  return rows[0]!.id;
}

async function stampsOf(id: string) {
  const { rows } = await t.db.pool.query(
    'select inspect_pen, inspect_stamp, inspect_gate from public.birth_registry where id = $1::bigint',
    [id],
  );
  return rows[0];
}

async function evidenceCount(): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>('select count(*)::int as n from birth_lane.evidence');
  return rows[0]!.n;
}

function variant(version: string): RuleSet {
  return ruleSetSchema.parse({ ...defaultRuleSet, version });
}

beforeAll(async () => {
  await saveAndActivate(t.db, defaultRuleSet);
  producer = await createLaneLogin(t.db, 'birth_lane_producer');
  otherProducer = await createLaneLogin(t.db, 'birth_lane_producer');
  logins.push(producer, otherProducer);
});
afterAll(() => dropLaneLogins(t.db, logins));

describe('a producer login cannot write a stamp or evidence itself', () => {
  it('is refused a direct UPDATE of a stamp column, and nothing changes', async () => {
    const id = await seedRow('ATK-001');
    const attempt = await refusal(() =>
      producer.client.query(
        'update public.birth_registry set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now() where id = $1::bigint',
        [id],
      ),
    );
    expect(attempt.state).toBe(SQLSTATE.insufficientPrivilege);
    expect(await stampsOf(id)).toEqual({ inspect_pen: null, inspect_stamp: null, inspect_gate: null });
  });

  it('is refused a direct INSERT into the evidence log and the use of its sequence', async () => {
    const before = await evidenceCount();
    const insert = await refusal(() =>
      producer.client.query(
        `insert into birth_lane.evidence (kind, run_id, rule_set_hash, message, payload)
         values ('run_report', gen_random_uuid(), $1::text, 'completed', '{}'::jsonb)`,
        [ruleSetHash(defaultRuleSet)],
      ),
    );
    expect(insert.state).toBe(SQLSTATE.insufficientPrivilege);
    const sequence = await refusal(() =>
      producer.client.query("select nextval('birth_lane.evidence_id_seq')"),
    );
    expect(sequence.state).toBe(SQLSTATE.insufficientPrivilege);
    expect(await evidenceCount()).toBe(before);
  });

  it('cannot write the run bookkeeping directly', async () => {
    const insert = await refusal(() =>
      producer.client.query(
        "insert into birth_lane.producer_runs (channel, passed_gate) values ('test', 1000000)",
      ),
    );
    expect(insert.state).toBe(SQLSTATE.insufficientPrivilege);
    const update = await refusal(() =>
      producer.client.query('update birth_lane.producer_runs set passed_gate = 1000000'),
    );
    expect(update.state).toBe(SQLSTATE.insufficientPrivilege);
  });

  it('cannot replace the compiled inspection with one of its own', async () => {
    const attempt = await refusal(() =>
      producer.client.query(
        `create or replace function birth_lane.inspect_batch(p_run_id uuid, p_after_id bigint, p_until_id bigint, p_batch_size integer)
         returns table (taken integer) language sql as 'select 0'`,
      ),
    );
    expect(attempt.state).toBe(SQLSTATE.insufficientPrivilege);
  });
});

describe('inspect_batch and the run bookkeeping', () => {
  it('refuses a run id that begin_run never issued, stamping nothing', async () => {
    const id = await seedRow('ATK-101');
    const attempt = await refusal(() =>
      producer.client.query('select * from birth_lane.inspect_batch(gen_random_uuid(), 0, null, 100)'),
    );
    expect(attempt).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_not_begun' });
    expect(await stampsOf(id)).toEqual({ inspect_pen: null, inspect_stamp: null, inspect_gate: null });
  });

  it('refuses a run begun by another login, and a finished run', async () => {
    const { rows } = await otherProducer.client.query<{ run: string }>(
      "select birth_lane.begin_run('once') as run",
    );
    const run = rows[0]!.run;
    const foreign = await refusal(() =>
      producer.client.query('select * from birth_lane.inspect_batch($1::uuid, 0, null, 100)', [run]),
    );
    expect(foreign).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_of_another_login' });
    const foreignFinish = await refusal(() =>
      producer.client.query("select birth_lane.finish_run($1::uuid, 'completed', null)", [run]),
    );
    expect(foreignFinish).toMatchObject({
      state: SQLSTATE.laneViolation,
      constraint: 'run_of_another_login',
    });

    await otherProducer.client.query("select birth_lane.finish_run($1::uuid, 'completed', null)", [run]);
    const late = await refusal(() =>
      otherProducer.client.query('select * from birth_lane.inspect_batch($1::uuid, 0, null, 100)', [run]),
    );
    expect(late).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_finished' });
  });

  it('takes no counts from the caller, and finishes a run only once', async () => {
    const good = await seedRow('ATK-201');
    const bad = await seedRow('ATK-202', { name: null });
    const { rows } = await producer.client.query<{ run: string }>(
      "select birth_lane.begin_run('once') as run",
    );
    const run = rows[0]!.run;
    await producer.client.query(
      'select * from birth_lane.inspect_batch($1::uuid, $2::bigint, $3::bigint, 100)',
      [run, Number(good) - 1, bad],
    );
    // There is no finish_run with counts to forge: the only signature takes an outcome and a detail.
    const forged = await refusal(() =>
      producer.client.query("select birth_lane.finish_run($1::uuid, 'completed', null, 1000000)", [run]),
    );
    expect(forged.state).toBe(SQLSTATE.undefinedFunction);
    const { rows: reports } = await producer.client.query<{ report: Record<string, unknown> }>(
      "select birth_lane.finish_run($1::uuid, 'completed', 'honest') as report",
      [run],
    );
    expect(reports[0]!.report).toMatchObject({
      runId: run,
      scanned: 2,
      passed: { pen: 2, stamp: 1, gate: 1 },
      failed: { pen: 0, stamp: 1, gate: 0 },
    });
    expect((await stampsOf(good)).inspect_gate).not.toBeNull();
    const again = await refusal(() =>
      producer.client.query("select birth_lane.finish_run($1::uuid, 'completed', null)", [run]),
    );
    expect(again).toMatchObject({ state: SQLSTATE.laneViolation, constraint: 'run_finished' });
    const { rows: recorded } = await t.db.pool.query<{ n: number; by: string }>(
      "select count(*)::int as n, min(recorded_by) as by from birth_lane.evidence where kind = 'run_report' and run_id = $1::uuid",
      [run],
    );
    expect(recorded[0]).toEqual({ n: 1, by: producer.login });
  });
});

describe('rule sets are governed', () => {
  it('lane logins cannot write birth_lane.rule_sets', async () => {
    const governance = await createLaneLogin(t.db, 'birth_lane_governance');
    const reader = await createLaneLogin(t.db, 'birth_lane_reader');
    logins.push(governance, reader);
    for (const { client } of [producer, governance, reader]) {
      const insert = await refusal(() => saveRuleSet(client, variant('8.0.0')));
      expect(insert.state).toBe(SQLSTATE.insufficientPrivilege);
      const update = await refusal(() => client.query("update birth_lane.rule_sets set status = 'retired'"));
      expect(update.state).toBe(SQLSTATE.insufficientPrivilege);
    }
    const loaded = await loadActiveRuleSet(t.db.pool);
    expect(loaded.ok && loaded.ruleSet.version).toBe('1.0.0');
  });

  it('a producer login cannot use an approval itself', async () => {
    const attempt = await refusal(() =>
      producer.client.query(
        'select birth_lane.consume_approval(1, \'rule_set_activation\', \'{"version":"1.0.0","hash":"x"}\'::jsonb)',
      ),
    );
    expect(attempt.state).toBe(SQLSTATE.insufficientPrivilege);
  });

  describe('activation needs its own, unused approval', () => {
    const next = variant('1.2.0');
    const nextHash = ruleSetHash(next);
    const expectRefused = async (approvalId: string) => {
      const evidenceBefore = await evidenceCount();
      const error = await activateRuleSet(t.db.pool, next.version, { approvalId }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(BirthLaneError.isInstance(error) && error.code).toBe('APPROVAL_REQUIRED');
      expect(sqlStateOf((error as Error).cause)).toBe(SQLSTATE.approvalViolation);
      const loaded = await loadActiveRuleSet(t.db.pool);
      expect(loaded.ok && loaded.ruleSet.version).toBe('1.0.0');
      const { rows } = await t.db.pool.query('select version from birth_lane.compiled_rule_set()');
      expect(rows[0].version).toBe('1.0.0');
      expect(await evidenceCount()).toBe(evidenceBefore);
    };

    it('refuses an activation without an approval', async () => {
      await saveRuleSet(t.db.pool, next);
      await expectRefused('987654321');
    });

    it('refuses an approval for another version', async () => {
      const other = variant('1.3.0');
      await expectRefused(await approveActivation(t.db, other));
    });

    it('refuses an approval for this version with another hash', async () => {
      const approvalId = await approveWithDemoLogins(
        t.db.pool,
        (login, password) => t.db.connectAs(login, password),
        {
          action: 'rule_set_activation',
          scope: { version: next.version, hash: ruleSetHash(defaultRuleSet) },
        },
      );
      await expectRefused(approvalId);
    });

    it('refuses an approval for another action on the same scope', async () => {
      const approvalId = await approveWithDemoLogins(
        t.db.pool,
        (login, password) => t.db.connectAs(login, password),
        {
          action: 'install_step',
          scope: { version: next.version, hash: nextHash },
        },
      );
      await expectRefused(approvalId);
    });

    it('activates once with the right approval, and refuses a second use of it', async () => {
      const approvalId = await approveActivation(t.db, next);
      expect(await activateRuleSet(t.db.pool, next.version, { approvalId })).toMatchObject({ changed: true });
      const back = await approveActivation(t.db, defaultRuleSet);
      await activateRuleSet(t.db.pool, defaultRuleSet.version, { approvalId: back });
      await expectRefused(approvalId);
    });
  });
});
