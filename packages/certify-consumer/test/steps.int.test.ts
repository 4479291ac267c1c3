import { contractSteps, installSteps } from '@birth-lane/contract';
import { describeStepConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { CERTIFY_TRIGGER, certifySteps } from '../src/index.js';

// The conformance kit needs the step's prerequisites (the contract) and not the step itself.
const contractOnly = useTestDatabase({
  setupSql: contractSteps.map((step) => step.mutation),
  name: 'certify-steps',
});

for (const step of certifySteps) {
  describeStepConformance(
    step.id,
    () => step,
    () => contractOnly.db.pool,
  );
}

describe('installing the certify steps through the contract installer', () => {
  const t = useTestDatabase({
    setupSql: contractSteps.map((step) => step.mutation),
    name: 'certify-install',
  });

  it('applies after the contract steps, is skipped on a second run, and rolls back cleanly', async () => {
    const first = await installSteps(t.db.pool, [...contractSteps, ...certifySteps]);
    expect(first.applied).toContain('certify-consumer/0001_certify_consumer');
    const second = await installSteps(t.db.pool, [...contractSteps, ...certifySteps]);
    expect(second.alreadyApplied).toContain('certify-consumer/0001_certify_consumer');
    expect(second.applied).toEqual([]);

    const [step] = certifySteps;
    expect((await step!.successEvidence(t.db.pool)).ok).toBe(true);
    await t.db.pool.query(step!.rollback);
    const { rows } = await t.db.pool.query<{ n: number }>(
      "select count(*)::int as n from pg_trigger where tgrelid = 'public.birth_registry'::regclass and not tgisinternal",
    );
    expect(rows[0]?.n).toBe(0);
    expect((await step!.reverify(t.db.pool)).ok).toBe(true);
  });

  it('adopts a trigger of the same name already on a field registry instead of refusing', async () => {
    const fresh = await t.db.connect();
    try {
      await fresh.query('begin');
      await fresh.query(
        `create function public.field_old_certify() returns trigger language plpgsql as $$ begin return new; end $$;
         create trigger ${CERTIFY_TRIGGER} before update on public.birth_registry for each row execute function public.field_old_certify();`,
      );
      const [step] = certifySteps;
      expect((await step!.reverify(fresh)).ok).toBe(true);
      await fresh.query(step!.mutation);
      const { rows } = await fresh.query<{ fn: string }>(
        `select tgfoid::regproc::text as fn from pg_trigger
          where tgrelid = 'public.birth_registry'::regclass and tgname = $1::text`,
        [CERTIFY_TRIGGER],
      );
      expect(rows[0]?.fn).toBe('birth_lane.fn_birth_auto_certify');
      await fresh.query('rollback');
    } finally {
      await fresh.end();
    }
  });
});
