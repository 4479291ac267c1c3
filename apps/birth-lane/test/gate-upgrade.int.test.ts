import { BIRTH_PEN_FAILURES_FUNCTION, quoteIdentifier, SQLSTATE } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { installActiveLane } from './install-active-lane.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'gate-upgrade' });
const env = () => ({ DATABASE_URL: t.db.connectionString });

async function penJudgementPresent(): Promise<boolean> {
  const { rows } = await t.db.pool.query<{ present: boolean }>(
    'select to_regprocedure($1::text) is not null as present',
    [BIRTH_PEN_FAILURES_FUNCTION],
  );
  return rows[0]!.present;
}

describe('upgrade: a rule set activated before the gate policy existed', () => {
  it('install compiles the missing PEN judgement from the active rule set (no approval); block then judges', async () => {
    await installActiveLane(t.db);
    // The older install: its rule set was activated before birth_pen_failures existed.
    await t.db.pool.query(`drop function ${BIRTH_PEN_FAILURES_FUNCTION}`);
    expect(await penJudgementPresent()).toBe(false);
    const approvalsBefore = await t.db.pool.query('select count(*)::int as n from birth_lane.approval_uses');

    // The upgrade's install: bootstrap (the install ledger) and adoption of the steps in place.
    const install = await runCli(['install', 'apply', '--bootstrap', '--json'], env());
    expect(install.code, install.stderr).toBe(0);
    expect(JSON.parse(install.stdout).lane.penJudgement).toMatchObject({ outcome: 'compiled' });
    expect(await penJudgementPresent()).toBe(true);
    const approvalsAfter = await t.db.pool.query('select count(*)::int as n from birth_lane.approval_uses');
    expect(approvalsAfter.rows[0].n).toBe(approvalsBefore.rows[0].n);

    // A second install finds it present and changes nothing.
    const again = await runCli(['install', 'apply', '--bootstrap', '--json'], env());
    expect(JSON.parse(again.stdout).lane.penJudgement).toEqual({ outcome: 'present' });

    await t.db.pool.query(
      `alter database ${quoteIdentifier(t.db.databaseName)} set app.birth_gate_mode = 'block'`,
    );
    try {
      const refused = t.db.pool.query(
        "select birth_lane.mint_birth('UP-002', 'fauna', 'dot://o', 'governed', null, now() + interval '1 day')",
      );
      await expect(refused).rejects.toMatchObject({ code: SQLSTATE.laneViolation, constraint: 'birth_gate' });
      await t.db.pool.query(
        "select birth_lane.mint_birth('UP-003', 'fauna', 'dot://o', 'governed', null, now())",
      );
    } finally {
      await t.db.pool.query(`alter database ${quoteIdentifier(t.db.databaseName)} reset app.birth_gate_mode`);
    }
  });
});
