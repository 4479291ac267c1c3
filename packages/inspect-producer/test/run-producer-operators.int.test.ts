import { contractSteps } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { saveAndActivate } from './activate.js';

const t = useTestDatabase({
  setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation),
  name: 'run-producer-operators',
});

/**
 * run_producer is invoker-rights (it COMMITs, so it cannot pin a search_path): it runs with the
 * caller's path, e.g. a pg_cron job's default ("$user", public). Its one operator without an exact
 * built-in match, integer / numeric, is pinned; a planted exact `public./(integer, numeric)` is never called.
 */
describe('birth_lane.run_producer pins the operator a planted one could beat (review H1)', () => {
  it('does not call public./(integer, numeric)', async () => {
    await saveAndActivate(t.db, defaultRuleSet);
    await t.db.pool.query('create table public.shadow_calls (called_by text)');
    await t.db.pool.query(
      `create function public.shadow_divide(integer, numeric) returns numeric language plpgsql as $$
       begin insert into public.shadow_calls values (current_user); return 1000; end $$`,
    );
    await t.db.pool.query(
      'create operator public./ (leftarg = integer, rightarg = numeric, function = public.shadow_divide)',
    );
    const client = await t.db.connect();
    try {
      await client.query('set search_path = "$user", public');
      // The plant is live on this path:
      const { rows } = await client.query<{ v: string }>('select 3000 / 1000.0 as v');
      expect(Number(rows[0]!.v)).toBe(1000);
      await client.query('truncate public.shadow_calls');
      await client.query('call birth_lane.run_producer(100, 3000)');
    } finally {
      await client.end();
    }
    const { rows: calls } = await t.db.pool.query('select * from public.shadow_calls');
    expect(calls).toEqual([]);
  });
});
