import { catalogSnapshotHash, contractSteps, type Step, snapshotCatalog } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyBootstrap,
  applyPlan,
  buildInstallPlan,
  installPlanSteps,
  rehearsalChain,
  rehearseSteps,
  rollbackStep,
  verifyInstall,
} from '../src/index.js';
import { approveStep, gadgetStep, legacyInstall, refusal, sneakyStep, widgetStep } from './support.js';

const t = useTestDatabase({});
const steps = [...contractSteps, ...installPlanSteps, widgetStep(), gadgetStep];
const widget = widgetStep();
const hash = async () => catalogSnapshotHash(await snapshotCatalog(t.db.pool));

beforeAll(async () => {
  await legacyInstall(t.db);
});

describe('upgrade from the previous release (birth_lane.applied_steps)', () => {
  it('plans the ledger as a bootstrap step, the contract steps as adoptable, the new block as pending', async () => {
    const plan = await buildInstallPlan(t.db.pool, steps);
    expect(plan.steps.map((step) => [step.id, step.status])).toEqual([
      ['contract/0001_registry', 'adoptable'],
      ['contract/0002_evidence', 'adoptable'],
      ['contract/0003_approvals', 'adoptable'],
      ['contract/0004_roles', 'adoptable'],
      ['contract/0005_heartbeats', 'adoptable'],
      ['install-plan/0001_install_ledger', 'pending'],
      ['widgets/0001_widgets', 'pending'],
      ['widgets/0002_gadgets', 'pending'],
    ]);
  });

  it('apply --bootstrap applies only the ledger and adopts what the previous release applied', async () => {
    const report = await applyBootstrap(t.db.pool, steps);
    expect(report.applied.map((step) => step.stepId)).toEqual(['install-plan/0001_install_ledger']);
    expect(report.adopted).toEqual(contractSteps.map((step) => step.id));
    const plan = await buildInstallPlan(t.db.pool, steps);
    expect(plan.counts).toEqual({ applied: 6, pending: 2, adoptable: 0, drift: 0 });
  });
});

describe('a step must be rehearsed, and its rehearsal must pass', () => {
  it('refuses a step never rehearsed (step_not_rehearsed), even with its approval', async () => {
    const approval = await approveStep(t.db, widgetStep());
    const before = await hash();
    const error = await refusal(
      applyPlan(t.db.pool, steps, {
        only: 'widgets/0001_widgets',
        approvals: new Map([['widgets/0001_widgets', approval]]),
      }),
    );
    expect(error).toMatchObject({ condition: 'step_not_rehearsed' });
    expect(await hash()).toBe(before);
  });

  it('a rehearsal that grants a lane role more than planned fails, is recorded, and blocks the apply', async () => {
    const sneaky = sneakyStep();
    const withSneaky = [...steps, sneaky];
    const report = await rehearseSteps(t.db.pool, await rehearsalChain(t.db.pool, withSneaky, sneaky.id));
    const outcome = report.rehearsals.find((entry) => entry.stepId === sneaky.id)!;
    expect(outcome).toMatchObject({ passed: false, stopCondition: 'forbidden_action_reachable' });
    expect(outcome.failure).toContain('grant:table:widgets.sneaky:birth_lane_producer:SELECT');
    expect(report.identical).toBe(true);
    const error = await refusal(
      applyPlan(t.db.pool, withSneaky, {
        only: sneaky.id,
        approvals: new Map([[sneaky.id, await approveStep(t.db, sneaky)]]),
      }),
    );
    expect(error).toMatchObject({ condition: 'step_not_rehearsed' });
    expect(error.message).toMatch(/failed \(forbidden_action_reachable\)/);
  });
});

describe('rehearse', () => {
  it('runs the step under ROLLBACK and records the proof: the catalog on exit equals the one on entry', async () => {
    const before = await hash();
    const chain = await rehearsalChain(t.db.pool, steps, 'widgets/0001_widgets');
    expect(chain.map((step) => step.id)).toEqual(['widgets/0001_widgets']);
    const report = await rehearseSteps(t.db.pool, chain);
    expect(report.rehearsals[0]!.failure).toBeNull();
    expect(report.identical).toBe(true);
    expect(report.rehearsals[0]).toMatchObject({ passed: true, entryHash: before, exitHash: before });
    expect(report.rehearsals[0]!.mutatedHash).not.toBe(before);
    expect(await hash()).toBe(before);
    const { rows } = await t.db.pool.query(
      'select passed, entry_hash = exit_hash as proof from birth_lane.install_rehearsals where id = $1::bigint',
      [report.rehearsals[0]!.rehearsalId],
    );
    expect(rows).toEqual([{ passed: true, proof: true }]);
  });
});

describe('apply', () => {
  it('refuses without an approval (approval_missing), nothing written', async () => {
    const before = await hash();
    const error = await refusal(applyPlan(t.db.pool, steps, { only: 'widgets/0001_widgets' }));
    expect(error).toMatchObject({ condition: 'approval_missing' });
    expect(await hash()).toBe(before);
  });

  it('refuses an approval for another step version at the moment of commit (approval_missing)', async () => {
    const approval = await approveStep(t.db, widgetStep(', extra integer'));
    const before = await hash();
    const error = await refusal(
      applyPlan(t.db.pool, steps, {
        only: 'widgets/0001_widgets',
        approvals: new Map([['widgets/0001_widgets', approval]]),
      }),
    );
    expect(error).toMatchObject({ condition: 'approval_missing' });
    expect(error.message).toMatch(/covers scope/);
    expect(await hash()).toBe(before);
  });

  it('stops on a session idle in transaction held by another connection (idle_in_transaction)', async () => {
    const approval = await approveStep(t.db, widgetStep());
    const other = await t.db.connect();
    await other.query('begin');
    await other.query('select 1');
    try {
      const error = await refusal(
        applyPlan(t.db.pool, steps, {
          only: 'widgets/0001_widgets',
          approvals: new Map([['widgets/0001_widgets', approval]]),
        }),
      );
      expect(error).toMatchObject({ condition: 'idle_in_transaction' });
    } finally {
      await other.query('rollback');
      await other.end();
    }
    // The approval was not consumed: the refusal rolled everything back, so it still applies.
    const report = await applyPlan(t.db.pool, steps, {
      only: 'widgets/0001_widgets',
      approvals: new Map([['widgets/0001_widgets', approval]]),
    });
    expect(report.applied.map((step) => [step.stepId, step.kind, step.approvalId])).toEqual([
      ['widgets/0001_widgets', 'approved', approval],
    ]);
  });

  it('refuses a stale rehearsal: the catalog changed between the rehearsal and the apply', async () => {
    await rehearseSteps(t.db.pool, await rehearsalChain(t.db.pool, steps, 'widgets/0002_gadgets'));
    await t.db.pool.query('create table widgets.meanwhile (id integer)');
    try {
      const error = await refusal(
        applyPlan(t.db.pool, steps, {
          only: 'widgets/0002_gadgets',
          approvals: new Map([['widgets/0002_gadgets', await approveStep(t.db, gadgetStep)]]),
        }),
      );
      expect(error).toMatchObject({ condition: 'step_not_rehearsed' });
      expect(error.message).toMatch(
        /rehearsal is stale: it ran on catalog [0-9a-f]{12}, the live catalog is/,
      );
    } finally {
      await t.db.pool.query('drop table widgets.meanwhile');
    }
  });

  it('catches an object added by hand from another session during the apply (footprint_exceeded)', async () => {
    await rehearseSteps(t.db.pool, await rehearsalChain(t.db.pool, steps, 'widgets/0002_gadgets'));
    const approval = await approveStep(t.db, gadgetStep);
    const error = await refusal(
      applyPlan(t.db.pool, steps, {
        only: 'widgets/0002_gadgets',
        approvals: new Map([['widgets/0002_gadgets', approval]]),
        hooks: {
          beforeFootprintCheck: async () => {
            await t.db.pool.query('create table widgets.smuggled (id integer)');
          },
        },
      }),
    );
    expect(error).toMatchObject({ condition: 'footprint_exceeded' });
    expect(error.message).toContain('table:widgets.smuggled');
    expect((await t.db.pool.query("select to_regclass('widgets.gadget') as t")).rows[0].t).toBeNull();
    await t.db.pool.query('drop table widgets.smuggled');
  });

  it('catches a lane role granted to a login, and a superuser role made, by another session during the apply', async () => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const login = `fix14_mal_${suffix}`;
    const root = `fix14_root_${suffix}`;
    await t.db.pool.query(`create role ${login} login`);
    try {
      for (const [change, ref] of [
        [`grant birth_lane_installer to ${login}`, `membership:birth_lane_installer:${login}`],
        [`grant birth_lane_president to ${login}`, `membership:birth_lane_president:${login}`],
        [`create role ${root} superuser`, `role:${root}`],
      ] as const) {
        const error = await refusal(
          applyPlan(t.db.pool, steps, {
            only: 'widgets/0002_gadgets',
            approvals: new Map([['widgets/0002_gadgets', await approveStep(t.db, gadgetStep)]]),
            hooks: { beforeFootprintCheck: async () => void (await t.db.pool.query(change)) },
          }),
        );
        expect(error).toMatchObject({ condition: 'forbidden_action_reachable' });
        expect(error.message).toContain(ref);
        await t.db.pool.query(
          `revoke birth_lane_installer, birth_lane_president from ${login}; drop role if exists ${root}`,
        );
      }
    } finally {
      await t.db.pool.query(`drop role if exists ${root}; drop role if exists ${login}`);
    }
  });

  it('a high-risk step refuses a medium approval, in the installer and in the ledger', async () => {
    const risky: Step = { ...gadgetStep, risk: 'high' };
    const riskySteps = steps.map((step) => (step.id === risky.id ? risky : step));
    const medium = await approveStep(t.db, risky, undefined, 'medium');
    const error = await refusal(
      applyPlan(t.db.pool, riskySteps, { only: risky.id, approvals: new Map([[risky.id, medium]]) }),
    );
    expect(error).toMatchObject({ condition: 'approval_missing' });
    expect(error.message).toMatch(/approval risk: .*high risk; approval \d+ was approved at medium risk/);
    // The ledger itself refuses, whatever the installer's code checks first.
    const direct = await refusal(
      t.db.pool.query(`select birth_lane.install_assert_approval_risk($1::text, $2::bigint, 'high')`, [
        risky.id,
        medium,
      ]),
    );
    expect(direct).toMatchObject({ code: 'BL003', constraint: 'approval_risk_below_step' });
    const invalid = await refusal(
      applyPlan(
        t.db.pool,
        [...steps.filter((s) => s.id !== risky.id), { ...risky, risk: 'urgent' as never }],
        {
          only: risky.id,
          approvals: new Map([[risky.id, medium]]),
        },
      ),
    );
    expect(invalid.message).toMatch(/risk: must be one of low, medium, high/);
  });

  it('catches a privilege for a lane role granted by another session during the apply (forbidden_action_reachable)', async () => {
    const approval = await approveStep(t.db, gadgetStep);
    const error = await refusal(
      applyPlan(t.db.pool, steps, {
        only: 'widgets/0002_gadgets',
        approvals: new Map([['widgets/0002_gadgets', approval]]),
        hooks: {
          beforeFootprintCheck: async () => {
            await t.db.pool.query('grant select on widgets.widget to birth_lane_producer');
          },
        },
      }),
    );
    expect(error).toMatchObject({ condition: 'forbidden_action_reachable' });
    expect(error.message).toContain('grant:table:widgets.widget:birth_lane_producer:SELECT');
    await t.db.pool.query('revoke select on widgets.widget from birth_lane_producer');
    // The same approval was never consumed: the step applies with it now.
    const report = await applyPlan(t.db.pool, steps, {
      only: 'widgets/0002_gadgets',
      approvals: new Map([['widgets/0002_gadgets', approval]]),
    });
    expect(report.applied.map((step) => step.stepId)).toEqual(['widgets/0002_gadgets']);
  });
});

describe('verify, drift and rollback', () => {
  it('verify passes after all steps, and names an object changed by hand', async () => {
    expect((await verifyInstall(t.db.pool, steps)).ok).toBe(true);
    await t.db.pool.query('create table widgets.by_hand (id integer)');
    const report = await verifyInstall(t.db.pool, steps);
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.name === 'catalog_matches_last_apply')!.objects).toEqual([
      'added table:widgets.by_hand',
    ]);
    await t.db.pool.query('drop table widgets.by_hand');
  });

  it('verify checks the live catalog: a planned object gone, an unplanned one in a lane schema or for a lane role', async () => {
    await t.db.pool.query('drop table widgets.gadget');
    await t.db.pool.query('create table public.by_hand (id integer)');
    await t.db.pool.query('grant select on public.by_hand to birth_lane_reader');
    const report = await verifyInstall(t.db.pool, steps);
    expect(report.ok).toBe(false);
    const check = (name: string) => report.checks.find((c) => c.name === name)!;
    expect(check('footprint_present')).toMatchObject({ ok: false, objects: ['table:widgets.gadget'] });
    expect(check('nothing_outside_footprints')).toMatchObject({
      ok: false,
      objects: ['grant:table:public.by_hand:birth_lane_reader:SELECT', 'table:public.by_hand'],
    });
    await t.db.pool.query('drop table public.by_hand; create table widgets.gadget (id integer)');
    const restored = await verifyInstall(t.db.pool, steps);
    expect(restored.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it('reports an applied step whose definition changed as drift, and never re-applies it', async () => {
    const changed = [...contractSteps, ...installPlanSteps, widgetStep(', extra integer'), gadgetStep];
    const plan = await buildInstallPlan(t.db.pool, changed);
    expect(plan.steps.find((step) => step.id === 'widgets/0001_widgets')!.status).toBe('drift');
    expect(await refusal(applyPlan(t.db.pool, changed, {}))).toMatchObject({ condition: 'drift' });
  });

  it('rolls back in reverse dependency order, each with its own approval, restoring the catalog', async () => {
    const beforeWidgets = (
      await t.db.pool.query(
        "select before_hash from birth_lane.install_applications where step_id = 'widgets/0001_widgets' order by id desc limit 1",
      )
    ).rows[0].before_hash;
    const widgetRollback = await approveStep(t.db, widgetStep(), 'rollback');
    const blocked = await refusal(rollbackStep(t.db.pool, steps, 'widgets/0001_widgets', widgetRollback));
    expect(blocked.message).toMatch(/prerequisite of widgets\/0002_gadgets/);
    // An apply approval is not a rollback approval.
    const applyApproval = await approveStep(t.db, gadgetStep);
    expect(
      await refusal(rollbackStep(t.db.pool, steps, 'widgets/0002_gadgets', applyApproval)),
    ).toMatchObject({
      condition: 'approval_missing',
    });
    await rollbackStep(
      t.db.pool,
      steps,
      'widgets/0002_gadgets',
      await approveStep(t.db, gadgetStep, 'rollback'),
    );
    const report = await rollbackStep(t.db.pool, steps, 'widgets/0001_widgets', widgetRollback);
    expect(report.restoredExactly).toBe(true);
    expect(report.restoredHash).toBe(beforeWidgets);
    const plan = await buildInstallPlan(t.db.pool, steps);
    expect(plan.counts).toEqual({ applied: 6, pending: 2, adoptable: 0, drift: 0 });
  });
});

describe('reverify_failed', () => {
  it('stops a step whose prerequisite is not applied, though its rehearsal (with the prerequisite) passed', async () => {
    const report = await rehearseSteps(t.db.pool, await rehearsalChain(t.db.pool, steps, gadgetStep.id));
    expect(report.rehearsals.map((entry) => [entry.stepId, entry.passed])).toEqual([
      ['widgets/0001_widgets', true],
      ['widgets/0002_gadgets', true],
    ]);
    const approval = await approveStep(t.db, gadgetStep);
    const error = await refusal(
      applyPlan(t.db.pool, steps, { only: gadgetStep.id, approvals: new Map([[gadgetStep.id, approval]]) }),
    );
    expect(error).toMatchObject({ condition: 'reverify_failed' });
    expect(error.message).toMatch(/prerequisites not applied: widgets\/0001_widgets/);
  });

  it('a rehearsal finding the step’s objects half there records reverify_failed, which blocks the apply', async () => {
    await t.db.pool.query('create schema widgets');
    try {
      const report = await rehearseSteps(t.db.pool, await rehearsalChain(t.db.pool, steps, widget.id));
      expect(report.rehearsals[0]).toMatchObject({ passed: false, stopCondition: 'reverify_failed' });
      expect(report.rehearsals[0]!.failure).toMatch(/unexpected partial state/);
      const error = await refusal(
        applyPlan(t.db.pool, steps, {
          only: widget.id,
          approvals: new Map([[widget.id, await approveStep(t.db, widget)]]),
        }),
      );
      expect(error).toMatchObject({ condition: 'step_not_rehearsed' });
    } finally {
      await t.db.pool.query('drop schema widgets cascade');
    }
  });
});
