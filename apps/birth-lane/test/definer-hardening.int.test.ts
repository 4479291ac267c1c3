import { defaultRuleSet, saveRuleSet } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { laneSteps } from '../src/lane/lane-steps.js';

const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'definer-hardening' });

/** Definer functions PUBLIC may call: they answer about the caller's own transaction and leak nothing. */
// stamp_clear_sanctioned(): the stud guard asks it as whoever writes the registry; it answers only
// whether this very transaction carries the rollback's marker.
const PUBLIC_DEFINERS = ['promotion_pass_active(bigint)', 'stamp_clear_sanctioned()'];

// Activation compiles birth_lane.inspect_batch from the rule set: it must be pinned too.
beforeAll(async () => {
  await saveRuleSet(t.db.pool, defaultRuleSet);
  await activateWithDemoApprovals(t.db.pool, t.db.connectionString, defaultRuleSet.version);
});

describe('every SECURITY DEFINER function of the lane', () => {
  it('pins search_path to pg_catalog, pg_temp', async () => {
    const { rows } = await t.db.pool.query<{ fn: string; config: string[] | null }>(
      `select p.oid::regprocedure::text as fn, p.proconfig as config
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.prosecdef and n.nspname in ('birth_lane', 'public')
        order by 1`,
    );
    expect(rows.map((row) => row.fn)).toContain('birth_lane.inspect_batch(uuid,bigint,bigint,integer)');
    const unpinned = rows.filter((row) => !row.config?.includes('search_path=pg_catalog, pg_temp'));
    expect(unpinned).toEqual([]);
  });

  it('is not executable by PUBLIC, but for the few that leak nothing', async () => {
    const { rows } = await t.db.pool.query<{ fn: string }>(
      `select replace(p.oid::regprocedure::text, 'birth_lane.', '') as fn
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where p.prosecdef and n.nspname = 'birth_lane'
          and exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                       where a.grantee = 0 and a.privilege_type = 'EXECUTE')
        order by 1`,
    );
    expect(rows.map((row) => row.fn)).toEqual(PUBLIC_DEFINERS);
  });
});
