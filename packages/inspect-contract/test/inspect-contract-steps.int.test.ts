import { catalogObjectExists, contractSteps, installSteps } from '@birth-lane/contract';
import { describeStepConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { inspectContractSteps } from '../src/index.js';

describe('inspectContractSteps', () => {
  it('are two steps, the guard after the classifier, with the first after the contract roles', () => {
    expect(inspectContractSteps.map((step) => [step.id, step.risk, step.prerequisites])).toEqual([
      ['inspect-contract/0001_inspect_stud', 'low', ['contract/0004_roles']],
      ['inspect-contract/0002_inspect_guard', 'high', ['inspect-contract/0001_inspect_stud']],
    ]);
  });

  describe('installed with installSteps on an empty database', () => {
    const t = useTestDatabase({ setupSql: [] });

    it('apply after the contract steps, once, and are skipped the second time', async () => {
      const all = [...contractSteps, ...inspectContractSteps];
      const first = await installSteps(t.db.pool, all);
      expect(first.applied).toEqual(all.map((step) => step.id));
      for (const step of inspectContractSteps) expect((await step.successEvidence(t.db.pool)).ok).toBe(true);
      const second = await installSteps(t.db.pool, all);
      expect(second.alreadyApplied).toEqual(all.map((step) => step.id));
    });

    it('re-apply their SQL over themselves without error (idempotent)', async () => {
      for (const step of inspectContractSteps) await t.db.pool.query(step.mutation);
      for (const step of inspectContractSteps) expect((await step.reverify(t.db.pool)).ok).toBe(true);
    });

    // Up to 9ac17c6 one trigger, without WHEN, served both INSERT and UPDATE.
    it('upgrade the guard from its earlier one-trigger shape', async () => {
      await t.db.pool.query(`
        drop trigger trg_birth_inspect_stud on public.birth_registry;
        drop trigger trg_birth_inspect_stud_insert on public.birth_registry;
        create trigger trg_birth_inspect_stud before insert or update on public.birth_registry
          for each row execute function birth_lane.fn_birth_inspect_stud();
        update birth_lane.applied_steps set digest = 'the earlier version'
         where step_id = 'inspect-contract/0002_inspect_guard';`);
      const result = await installSteps(t.db.pool, [...contractSteps, ...inspectContractSteps]);
      expect(result.applied).toEqual(['inspect-contract/0002_inspect_guard']);
      const { rows } = await t.db.pool.query<{ tgname: string; tgtype: number }>(
        `select tgname::text, tgtype::int from pg_trigger
          where tgrelid = 'public.birth_registry'::regclass and tgname like 'trg_birth_inspect_stud%' order by 1`,
      );
      expect(rows).toEqual([
        { tgname: 'trg_birth_inspect_stud', tgtype: 1 | 2 | 16 },
        { tgname: 'trg_birth_inspect_stud_insert', tgtype: 1 | 2 | 4 },
      ]);
    });

    it('roll back in reverse order, leaving no object behind and the rows in place', async () => {
      await t.db.pool.query("insert into public.birth_registry (entity_code) values ('ROLLBACK-1')");
      for (const step of [...inspectContractSteps].reverse()) await t.db.pool.query(step.rollback);
      for (const step of inspectContractSteps) {
        for (const ref of step.footprint) expect(await catalogObjectExists(t.db.pool, ref), ref).toBe(false);
      }
      const { rows } = await t.db.pool.query<{ n: number }>(
        "select count(*)::int as n from public.birth_registry where entity_code = 'ROLLBACK-1'",
      );
      expect(rows[0]!.n).toBe(1);
      // And they install again over the rolled-back database.
      for (const step of inspectContractSteps) await t.db.pool.query(step.mutation);
      for (const step of inspectContractSteps) expect((await step.successEvidence(t.db.pool)).ok).toBe(true);
    });
  });

  const prerequisites = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation) });
  inspectContractSteps.forEach((step, index) => {
    describeStepConformance(
      step.id,
      () => step,
      async () => {
        // Each case gets the steps before this one (idempotent SQL), and not this one.
        for (const earlier of inspectContractSteps.slice(0, index))
          await prerequisites.db.pool.query(earlier.mutation);
        return prerequisites.db.pool;
      },
    );
  });
});
