import { randomBytes } from 'node:crypto';
import { LANE_ROLES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'canonical-cli' });
// Random name and password: roles are cluster-wide, and a login left behind must be no way in.
const login = `bl_c_canon_${randomBytes(4).toString('hex')}`;
const password = randomBytes(18).toString('hex');

afterAll(async () => {
  await t.db.pool.query(`drop role if exists ${login}`);
});

describe('birth-lane canonical', () => {
  it('set makes the list exactly the names; a spelling of a configured key changes nothing', async () => {
    const env = { DATABASE_URL: t.db.connectionString };
    const set = await runCli(
      ['canonical', 'set', 'Kernel', 'core', '--note', 'kernel entities', '--json'],
      env,
    );
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ added: ['Kernel', 'core'], removed: [] });

    const again = await runCli(['canonical', 'set', 'KERNEL', 'core', '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ added: [], removed: [] });

    const list = await runCli(['canonical', 'list', '--json'], env);
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { collections: { collectionName: string; key: string }[] };
    expect(listed.collections.map((each) => [each.collectionName, each.key])).toEqual([
      ['core', 'core'],
      ['Kernel', 'kernel'],
    ]);
    const human = await runCli(['canonical', 'list'], env);
    expect(human.stdout).toContain('Kernel (compared as "kernel")');
  });

  it('set is refused for a lane role, naming what is needed, and changes nothing', async () => {
    await t.db.pool.query(
      `create role ${login} login password '${password}' in role ${LANE_ROLES.governance}`,
    );
    const url = new URL(t.db.connectionString);
    url.username = login;
    url.password = password;
    const refused = await runCli(['canonical', 'set', 'other'], { DATABASE_URL: url.toString() });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/lane owner's login/);
    const { rows } = await t.db.pool.query('select count(*)::int as n from birth_lane.canonical_collections');
    expect(rows[0].n).toBe(2);
  });
});
