import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { catalogObjectExists } from '../src/catalog.js';
import { contractSteps } from '../src/contract-steps.js';
import { installSteps, sqlStep } from '../src/install.js';
import type { Database, Queryable } from '../src/ports/queryable.js';
import { describeQueryableConformance, describeStepConformance } from '../src/testing/index.js';

// A bare database: the steps themselves are under test here.
const t = useTestDatabase({ setupSql: [] });

// pg's Pool must fit the ports structurally; this fails to compile if it ever stops fitting.
const fitsPorts = (pool: pg.Pool): { queryable: Queryable; database: Database } => ({
  queryable: pool,
  database: pool,
});

describeQueryableConformance('pg.Pool', () => fitsPorts(t.db.pool).queryable);

describe('installSteps', () => {
  it('applies the contract steps once, records them, and skips them the second time', async () => {
    const first = await installSteps(t.db.pool, contractSteps);
    expect(first.applied).toEqual(contractSteps.map((step) => step.id));
    for (const step of contractSteps) {
      expect((await step.successEvidence(t.db.pool)).ok).toBe(true);
    }
    const second = await installSteps(t.db.pool, contractSteps);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(contractSteps.map((step) => step.id));
  });

  it('refuses a step whose prerequisite was never applied, and changes nothing', async () => {
    const orphan = sqlStep({
      id: 'test/0001_orphan',
      title: 'orphan',
      risk: 'low',
      prerequisites: ['test/0000_missing'],
      mutation: 'create table public.orphan_table (id int)',
      rollback: 'drop table public.orphan_table',
      footprint: ['table:public.orphan_table'],
    });
    await expect(installSteps(t.db.pool, [orphan])).rejects.toThrow(/prerequisite test\/0000_missing/);
    expect(await catalogObjectExists(t.db.pool, 'table:public.orphan_table')).toBe(false);
  });

  it('refuses to run over a partial state nobody planned for', async () => {
    await t.db.pool.query('create table public.half_a (id int)');
    const step = sqlStep({
      id: 'test/0002_half',
      title: 'half',
      risk: 'low',
      mutation: 'create table if not exists public.half_a (id int); create table public.half_b (id int);',
      rollback: 'drop table public.half_a, public.half_b',
      footprint: ['table:public.half_a', 'table:public.half_b'],
    });
    await expect(installSteps(t.db.pool, [step])).rejects.toThrow(/partial state/);
    expect(await catalogObjectExists(t.db.pool, 'table:public.half_b')).toBe(false);
  });

  it('upgrades a step over exactly an earlier version of it, and still refuses any other mix', async () => {
    await t.db.pool.query('create table public.old_a (id int); create table public.old_b (id int)');
    const upgrade = (extra: string[] = []) =>
      sqlStep({
        id: 'test/0003_upgrade',
        title: 'upgrade',
        risk: 'low',
        mutation: 'drop table if exists public.old_b; create table if not exists public.new_b (id int)',
        rollback: 'drop table public.new_b',
        footprint: ['table:public.old_a', 'table:public.new_b'],
        upgradesFrom: [['table:public.old_a', 'table:public.old_b', ...extra]],
      });
    // Not the earlier version either (it would also need public.old_c): refused.
    await expect(installSteps(t.db.pool, [upgrade(['table:public.old_c'])])).rejects.toThrow(/partial state/);
    const result = await installSteps(t.db.pool, [upgrade()]);
    expect(result.applied).toEqual(['test/0003_upgrade']);
    expect(await catalogObjectExists(t.db.pool, 'table:public.new_b')).toBe(true);
    expect(await catalogObjectExists(t.db.pool, 'table:public.old_b')).toBe(false);
  });

  // The earlier evidence log (up to 9ac17c6): a per-row PL/pgSQL trigger set id, time and writer.
  it('upgrades the evidence log from its earlier shape to the refusing WHEN guard', async () => {
    await installSteps(t.db.pool, contractSteps);
    await t.db.pool.query(`
      drop trigger evidence_server_fields on birth_lane.evidence;
      drop function birth_lane.refuse_caller_set_evidence_fields();
      create function birth_lane.fn_evidence_server_set() returns trigger language plpgsql as $$
      begin
        NEW.id := pg_catalog.nextval('birth_lane.evidence_id_seq'::pg_catalog.regclass);
        return NEW;
      end $$;
      alter table birth_lane.evidence alter column id drop default;
      create trigger evidence_server_set before insert on birth_lane.evidence
        for each row execute function birth_lane.fn_evidence_server_set();
      update birth_lane.applied_steps set digest = 'the earlier version' where step_id = 'contract/0002_evidence';`);
    const result = await installSteps(t.db.pool, contractSteps);
    expect(result.applied).toEqual(['contract/0002_evidence']);
    expect(await catalogObjectExists(t.db.pool, 'trigger:birth_lane.evidence.evidence_server_set')).toBe(
      false,
    );
    expect(await catalogObjectExists(t.db.pool, 'trigger:birth_lane.evidence.evidence_server_fields')).toBe(
      true,
    );
    const { rows } = await t.db.pool.query<{ id: string }>(
      "select birth_lane.append_note('test.upgraded', '{}'::jsonb)::text as id",
    );
    expect(Number(rows[0]!.id)).toBeGreaterThan(0);
  });

  it('rolls a step back when its success evidence fails', async () => {
    const liar = sqlStep({
      id: 'test/0003_liar',
      title: 'claims a table it does not create',
      risk: 'low',
      mutation: 'create table public.liar_real (id int)',
      rollback: 'drop table public.liar_real',
      footprint: ['table:public.liar_claimed'],
    });
    await expect(installSteps(t.db.pool, [liar])).rejects.toThrow(/did not take effect/);
    expect(await catalogObjectExists(t.db.pool, 'table:public.liar_real')).toBe(false);
  });
});

const withPrerequisites = useTestDatabase({ setupSql: [] });
contractSteps.forEach((step, index) => {
  describeStepConformance(
    step.id,
    () => step,
    async () => {
      // Each conformance case gets the steps before this one, and not this one.
      await installSteps(withPrerequisites.db.pool, contractSteps.slice(0, index));
      return withPrerequisites.db.pool;
    },
  );
});
