import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogSnapshotHash, EXIT_CODES, installSteps, snapshotCatalog } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { buildInstallPlan, type InstallPlan, stepVersionHash } from '@birth-lane/install-plan';
import { type TestDatabase, useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { approveStepsWithDemoLogins } from '../src/install/demo-install-approvals.js';
import { installWithPlan } from '../src/install/install-with-plan.js';
import { laneSteps } from '../src/lane/lane-steps.js';
import { planSteps } from '../src/lane/plan-steps.js';
import { runCli } from './run-cli.js';

/** The lane's steps as the previous release (main at f41cda1) installed them with installLane. */
const PREVIOUS_RELEASE_STEPS = [
  'contract/0001_registry',
  'contract/0002_evidence',
  'contract/0003_approvals',
  'contract/0004_roles',
  'contract/0005_heartbeats',
  'birth/0001_birth',
  'inspect-contract/0001_inspect_stud',
  'inspect-contract/0002_inspect_guard',
  'certify-consumer/0001_certify_consumer',
  'inspect-producer/0001_rule_sets',
  'inspect-producer/0002_producer_cursor',
  'inspect-producer/0003_producer_runs',
  'inspect-producer/0004_run_producer_procedure',
  'backlog/0001_backlog_pass',
  'staging-surface/0001_staging',
  'gate-policy/0001_birth_gate',
  'gate-policy/0002_gate_flip',
  'stamp-mapping/0001_stamp_mapping',
];

const approve = (db: TestDatabase, scope: Record<string, string>) =>
  approveWithDemoLogins(db.pool, (login, password) => db.connectAs(login, password), {
    action: 'install_step',
    scope,
    // A high-risk step needs an approval at high risk (the ledger checks it).
    ...(planSteps.find((candidate) => candidate.id === scope.step)?.risk === 'high'
      ? { risk: 'high' as const }
      : {}),
    reason: `test: ${JSON.stringify(scope)}`,
  });
const step = (id: string) => planSteps.find((candidate) => candidate.id === id)!;

describe('the whole lane through the plan (fresh database)', () => {
  const t = useTestDatabase({});
  const env = () => ({ DATABASE_URL: t.db.connectionString });

  it('plan --json lists every object the install then creates; after all steps verify passes; a second run finds all in place', async () => {
    const empty = await snapshotCatalog(t.db.pool);
    const listed = await runCli(['install', 'plan', '--json'], env());
    expect(listed.code, listed.stderr).toBe(0);
    const plan = JSON.parse(listed.stdout) as InstallPlan;
    expect(plan.steps.map((entry) => entry.id)).toEqual(planSteps.map((entry) => entry.id));
    expect(plan.steps.every((entry) => entry.status === 'pending')).toBe(true);

    // The operator's flow: bootstrap, rehearse, one approval per step (here by demo logins), a reviewed batch file.
    const bootstrap = await runCli(['install', 'apply', '--bootstrap', '--json'], env());
    expect(bootstrap.code, bootstrap.stderr).toBe(0);
    expect(JSON.parse(bootstrap.stdout).applied).toHaveLength(5);
    const rehearsed = await runCli(['install', 'rehearse', '--json'], env());
    expect(rehearsed.code, rehearsed.stderr).toBe(0);
    expect(JSON.parse(rehearsed.stdout)).toMatchObject({ identical: true, recorded: true });
    const pending = (await buildInstallPlan(t.db.pool, planSteps)).steps.filter(
      (entry) => entry.status === 'pending',
    );
    const approvals = await approveStepsWithDemoLogins(t.db.pool, t.db.connectionString, pending);
    const file = join(mkdtempSync(join(tmpdir(), 'install-approvals-')), 'approvals.json');
    writeFileSync(
      file,
      JSON.stringify({
        planHash: plan.planHash,
        approvals: pending.map((entry) => ({
          step: entry.id,
          versionHash: entry.versionHash,
          approval: approvals.get(entry.id),
        })),
      }),
    );
    const applied = await runCli(
      ['install', 'apply', '--all', '--approval-per-step-from', file, '--json'],
      env(),
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).applied.map((entry: { stepId: string }) => entry.stepId)).toEqual(
      pending.map((entry) => entry.id),
    );
    const installed = await snapshotCatalog(t.db.pool);
    const footprints = new Set(plan.steps.flatMap((entry) => entry.footprint));
    const created = Object.keys(installed.objects).filter((ref) => empty.objects[ref] === undefined);
    expect(created.filter((ref) => !footprints.has(ref))).toEqual([]);

    const verify = await runCli(['install', 'verify', '--json'], env());
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout).ok).toBe(true);
    const again = await installWithPlan(t.db.pool, { url: t.db.connectionString, demoApprovals: false });
    expect(again.alreadyInPlace).toBe(true);
    const human = await runCli(['install'], env());
    expect(human.stdout).toMatch(new RegExp(`all ${planSteps.length} steps already in place`));
    // A step already in place: said so, not a silent success.
    const inPlace = await runCli(
      ['install', 'apply', '--step', 'birth/0001_birth', '--approval', '1'],
      env(),
    );
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stdout).toMatch(/already in place {2}birth\/0001_birth: nothing applied/);
  }, 120_000);

  it('rollback through the CLI: refused out of dependency order; each of the last steps restores the catalog; re-applied with approval', async () => {
    // gate-policy/0002 depends on 0001: 0001 cannot go first.
    const gate = step('gate-policy/0001_birth_gate');
    const early = await approve(t.db, {
      step: gate.id,
      versionHash: stepVersionHash(gate),
      operation: 'rollback',
    });
    const blocked = await runCli(['install', 'rollback', '--step', gate.id, '--approval', early], env());
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toMatch(/still applied: roll those back first/);

    for (const id of [
      'console/0001_console_indexes',
      'stamp-mapping/0001_stamp_mapping',
      'gate-policy/0002_gate_flip',
    ]) {
      const target = step(id);
      const { rows } = await t.db.pool.query(
        'select before_hash from birth_lane.install_applications where step_id = $1::text order by id desc limit 1',
        [id],
      );
      const approval = await approve(t.db, {
        step: id,
        versionHash: stepVersionHash(target),
        operation: 'rollback',
      });
      const undone = await runCli(
        ['install', 'rollback', '--step', id, '--approval', approval, '--json'],
        env(),
      );
      expect(undone.code, undone.stderr).toBe(0);
      expect(JSON.parse(undone.stdout)).toMatchObject({
        stepId: id,
        restoredExactly: true,
        restoredHash: rows[0].before_hash,
      });
      expect(catalogSnapshotHash(await snapshotCatalog(t.db.pool))).toBe(rows[0].before_hash);
    }
    // The plan shows them again; they need a rehearsal and their own approvals to come back.
    const plan = await buildInstallPlan(t.db.pool, planSteps);
    expect(plan.steps.filter((entry) => entry.status === 'pending').map((entry) => entry.id)).toEqual([
      'gate-policy/0002_gate_flip',
      'stamp-mapping/0001_stamp_mapping',
      'console/0001_console_indexes',
    ]);
    const unrehearsed = step('stamp-mapping/0001_stamp_mapping');
    const applyApproval = await approve(t.db, {
      step: unrehearsed.id,
      versionHash: stepVersionHash(unrehearsed),
    });
    const refused = await runCli(
      ['install', 'apply', '--step', unrehearsed.id, '--approval', applyApproval, '--json'],
      env(),
    );
    expect(refused.code).toBe(EXIT_CODES.stop_condition);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      stopCondition: 'step_not_rehearsed',
      step: unrehearsed.id,
    });
    const rehearsed = await runCli(['install', 'rehearse', '--step', unrehearsed.id, '--json'], env());
    expect(rehearsed.code, rehearsed.stderr).toBe(0);
    expect(JSON.parse(rehearsed.stdout)).toMatchObject({ identical: true, recorded: true });
    const applied = await runCli(
      ['install', 'apply', '--step', unrehearsed.id, '--approval', applyApproval],
      env(),
    );
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`applied  ${unrehearsed.id}  with approval #${applyApproval}`);
  }, 120_000);

  it('an idle-in-transaction session stops the CLI apply with its name and the stop exit code', async () => {
    const target = step('gate-policy/0002_gate_flip');
    await runCli(['install', 'rehearse', '--step', target.id], env());
    const approval = await approve(t.db, { step: target.id, versionHash: stepVersionHash(target) });
    const other = await t.db.connect();
    await other.query('begin');
    await other.query('select 1');
    try {
      const stopped = await runCli(['install', 'apply', '--step', target.id, '--approval', approval], env());
      expect(stopped.code).toBe(EXIT_CODES.stop_condition);
      expect(stopped.stderr).toMatch(/stop: idle_in_transaction at gate-policy\/0002_gate_flip/);
    } finally {
      await other.query('rollback');
      await other.end();
    }
  }, 60_000);
});

describe('upgrade from the previous release', () => {
  const t = useTestDatabase({});

  it("adopts main's install (birth_lane.applied_steps) and applies only the new steps", async () => {
    await installSteps(
      t.db.pool,
      laneSteps.filter((entry) => PREVIOUS_RELEASE_STEPS.includes(entry.id)),
    );
    const before = await buildInstallPlan(t.db.pool, planSteps);
    const adoptable = before.steps.filter((entry) => entry.status === 'adoptable').map((entry) => entry.id);
    expect(adoptable).toEqual(PREVIOUS_RELEASE_STEPS);
    const summary = await installWithPlan(t.db.pool, { url: t.db.connectionString, demoApprovals: true });
    const fresh = planSteps
      .filter((entry) => !PREVIOUS_RELEASE_STEPS.includes(entry.id))
      .map((entry) => entry.id);
    expect(summary).toMatchObject({ adopted: PREVIOUS_RELEASE_STEPS.length, applied: fresh.length });
    const { rows } = await t.db.pool.query<{ step_id: string; kind: string }>(
      "select step_id, kind from birth_lane.install_applications where kind <> 'adopted' order by id",
    );
    expect(rows.map((row) => row.step_id)).toEqual(fresh);
    expect(summary.verify.ok, JSON.stringify(summary.verify.checks)).toBe(true);
  }, 120_000);
});

describe('start on DATABASE_URL', () => {
  const t = useTestDatabase({});

  it('with the plan not applied prints the plan and stops with the stop code; nothing is installed', async () => {
    const result = await runCli(['start', '--rows', '10'], { DATABASE_URL: t.db.connectionString });
    expect(result.code, result.stderr).toBe(EXIT_CODES.stop_condition);
    expect(result.stdout).toMatch(/install plan [0-9a-f]{12}/);
    expect(result.stdout).toMatch(/nothing commits without its approvals/);
    const demo = await runCli(['install', 'apply', '--all', '--demo-approvals'], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(demo.code).toBe(EXIT_CODES.usage);
    expect(demo.stderr).toMatch(/only on the embedded demo database/);
    // --json gets the refusal as JSON on stdout.
    const demoJson = await runCli(['install', 'apply', '--all', '--demo-approvals', '--json'], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(demoJson.code).toBe(EXIT_CODES.usage);
    expect(JSON.parse(demoJson.stdout)).toMatchObject({
      error: 'usage',
      message: expect.stringMatching(/embedded/),
    });
    const { rows } = await t.db.pool.query("select to_regnamespace('birth_lane') as schema");
    expect(rows[0].schema).toBeNull();
  }, 60_000);
});
