import { ruleSetHash } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { defaultRuleSet } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { installLane } from '../src/lane/install-lane.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: [], name: 'search-path-shadowing' });

/**
 * Review H1: an owner-side statement that names a function unqualified (`jsonb_build_object` in
 * the rule_set_activated evidence of `rules activate`) must not resolve to a function someone
 * planted in `public`. The plant has exact text arguments, so under the default search_path
 * ("$user", public) it beats pg_catalog's variadic jsonb_build_object; every app session runs with
 * search_path = pg_catalog, pg_temp, so it is never called.
 */
describe('owner-side statements are not fooled by a function planted in public', () => {
  it('rules activate writes the real evidence and never calls the plant', async () => {
    await installLane(t.db.pool);
    // Planted after install (install refuses a database where a lane member can CREATE there).
    await t.db.pool.query('create table public.shadow_calls (called_by text, at timestamptz default now())');
    await t.db.pool.query(
      `create function public.jsonb_build_object(text, text, text, text, text, text, text, text) returns jsonb
         language plpgsql as $$
       begin
         insert into public.shadow_calls (called_by) values (current_user);
         return '{"kind":"rule_set_activated","version":"9.9.9","hash":"forged","activatedBy":"nobody"}'::jsonb;
       end $$`,
    );
    // The plant works where the search_path still includes public (a psql session of an admin).
    const { rows: probe } = await t.db.pool.query<{ value: { version: string } }>(
      "select jsonb_build_object('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'::text) as value",
    );
    expect(probe[0]!.value.version).toBe('9.9.9');
    await t.db.pool.query('truncate public.shadow_calls');

    const approvalId = await approveWithDemoLogins(
      t.db.pool,
      (login, password) => t.db.connectAs(login, password),
      {
        action: 'rule_set_activation',
        scope: { version: defaultRuleSet.version, hash: ruleSetHash(defaultRuleSet) },
      },
    );
    const activated = await runCli(
      ['rules', 'activate', defaultRuleSet.version, '--approval', approvalId, '--json'],
      {
        DATABASE_URL: t.db.connectionString,
      },
    );
    expect(activated.code, activated.stderr).toBe(0);

    const { rows: calls } = await t.db.pool.query('select called_by from public.shadow_calls');
    expect(calls).toEqual([]);
    const { rows: evidence } = await t.db.pool.query<{ payload: Record<string, unknown> }>(
      "select payload from birth_lane.evidence where kind = 'rule_set_activated' order by id desc limit 1",
    );
    expect(evidence[0]!.payload).toMatchObject({
      kind: 'rule_set_activated',
      version: defaultRuleSet.version,
      hash: ruleSetHash(defaultRuleSet),
    });

    // Every session the CLI opens has the lane's search_path.
    const status = await runCli(['status', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(status.code).toBe(0);
    expect(await t.db.pool.query('select count(*)::int as n from public.shadow_calls')).toMatchObject({
      rows: [{ n: 0 }],
    });
  }, 180_000);
});
