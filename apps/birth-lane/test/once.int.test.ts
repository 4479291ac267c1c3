import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { installLane } from '../src/lane/install-lane.js';
import { installActiveLane } from './install-active-lane.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: [] });

describe('the once channel (birth-lane run)', () => {
  it('exits 64 naming a malformed setting, before touching any database', async () => {
    const result = await runCli(['run'], {
      DATABASE_URL: t.db.connectionString,
      BIRTH_LANE_CONCURRENCY: 'many',
    });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/BIRTH_LANE_CONCURRENCY/);
  });

  it('exits 64 on a bad flag', async () => {
    const result = await runCli(['run', '--max-rows', '-3'], { DATABASE_URL: t.db.connectionString });
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/--max-rows/);
  });

  it('exits 2 and stamps nothing without an active rule set, then 0 once one is active', async () => {
    // Install never activates: it saves the default as a draft and says how to activate it.
    // (The test-only install path: on DATABASE_URL `birth-lane install` needs an approval per step.)
    const install = await installLane(t.db.pool);
    expect(install.ruleSet).toMatchObject({ version: '1.0.0', active: false });
    expect(install.nextSteps.join('\n')).toMatch(
      /approvals request --action rule_set_activation --scope '\{"version":"1\.0\.0","hash":"[0-9a-f]{64}"\}'/,
    );
    expect(install.nextSteps.join('\n')).toMatch(/rules activate 1\.0\.0 --approval <id>/);
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
       values ('ENT-001', 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A small domesticated mammal.', 'active')`,
    );
    const refused = await runCli(['run', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(refused.code).toBe(EXIT_CODES.source_recovery_required);
    expect(JSON.parse(refused.stdout).outcome).toBe('source_recovery_required');
    const { rows: untouched } = await t.db.pool.query('select inspect_pen from public.birth_registry');
    expect(untouched[0].inspect_pen).toBeNull();

    await installActiveLane(t.db);
    const done = await runCli(['run', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(done.code).toBe(EXIT_CODES.completed);
    expect(JSON.parse(done.stdout)).toMatchObject({
      channel: 'once',
      outcome: 'completed',
      passed: { pen: 1, stamp: 1, gate: 1 },
    });
    const { rows } = await t.db.pool.query('select certified from public.birth_registry');
    expect(rows[0].certified).toBe(true);
  });

  it('status --json reports the lane', async () => {
    const result = await runCli(['status', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.registry).toMatchObject({ total: 1, certified: 1, backlog: 0 });
    expect(status.lastRuns[0]).toMatchObject({ channel: 'once', outcome: 'completed' });
  });
});
