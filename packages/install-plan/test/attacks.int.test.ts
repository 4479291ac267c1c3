import { randomBytes } from 'node:crypto';
import { catalogSnapshotHash, contractSteps, snapshotCatalog, sqlStep } from '@birth-lane/contract';
import { DEMO_APPROVERS, withDemoLogins } from '@birth-lane/contract/demo-approvers';
import { useTestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyBootstrap,
  applyPlan,
  installPlanSteps,
  rehearsalChain,
  rehearseSteps,
  stepVersionHash,
} from '../src/index.js';
import { approveStep, legacyInstall, refusal, widgetStep } from './support.js';

const t = useTestDatabase({});
const steps = [...contractSteps, ...installPlanSteps, widgetStep()];
const widget = widgetStep();
const suffix = randomBytes(3).toString('hex');
const password = randomBytes(12).toString('hex');
/** A login with no lane role; a login holding only birth_lane_reader; an installer who is also a president. */
const LOGINS = {
  nobody: `bl_attack_nobody_${suffix}`,
  reader: `bl_attack_reader_${suffix}`,
  installer: `bl_attack_installer_${suffix}`,
} as const;
const RECORDING_FUNCTIONS = [
  'birth_lane.record_install_rehearsal(text,text,boolean,text,text,text,text,jsonb)',
  'birth_lane.record_install_step(text,text,bigint,text[],text,text,text,jsonb,jsonb,text,text)',
  'birth_lane.adopt_install_step(text,text,text,text[],text,text,jsonb)',
  'birth_lane.record_install_rollback(text,text,bigint,text,text)',
];
const pools: pg.Pool[] = [];
/** A pool logged in as `login` (session_user is that login), able to run transactions like the app's. */
function poolAs(login: string): pg.Pool {
  const url = new URL(t.db.connectionString);
  url.username = login;
  url.password = password;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 3 });
  pools.push(pool);
  return pool;
}
const hash = async () => catalogSnapshotHash(await snapshotCatalog(t.db.pool));

beforeAll(async () => {
  await legacyInstall(t.db);
  await applyBootstrap(t.db.pool, steps);
  const database = new URL(t.db.connectionString).pathname.slice(1);
  for (const login of Object.values(LOGINS)) {
    await t.db.pool.query(`create role ${login} login password '${password}'`);
    // Each may create schemas, so each could run the widget step's SQL itself.
    await t.db.pool.query(`grant create on database "${database}" to ${login}`);
  }
  await t.db.pool.query(`grant birth_lane_reader to ${LOGINS.reader}`);
  await t.db.pool.query(
    `grant birth_lane_installer, birth_lane_reader, birth_lane_president to ${LOGINS.installer}`,
  );
  await rehearseSteps(t.db.pool, await rehearsalChain(t.db.pool, steps, widget.id));
});
afterAll(async () => {
  for (const pool of pools) await pool.end();
  for (const login of Object.values(LOGINS)) {
    await t.db.pool.query(`drop owned by ${login}`);
    await t.db.pool.query(`drop role ${login}`);
  }
});

describe('the ledger is written only through its functions, by installers', () => {
  it('PUBLIC may not execute any recording function, and a login without the installer role is refused', async () => {
    for (const fn of RECORDING_FUNCTIONS) {
      const { rows } = await t.db.pool.query(
        'select has_function_privilege($1::text, $2::text, $3::text) as may',
        ['public', fn, 'EXECUTE'],
      );
      expect(rows[0].may, fn).toBe(false);
    }
    const nobody = poolAs(LOGINS.nobody);
    const error = await refusal(
      nobody.query(
        "select birth_lane.record_install_rehearsal('x', repeat('a', 64), true, 'h', 'h', 'h', null, '{}'::jsonb)",
      ),
    );
    expect(error.code).toBe('42501');
  });

  it('an apply by a login that may not record it stops (approval_recorded_by_unauthorized_login), nothing committed', async () => {
    const approval = await approveStep(t.db, widget);
    const before = await hash();
    const reader = poolAs(LOGINS.reader);
    const denied = await refusal(
      applyPlan(reader, steps, { only: widget.id, approvals: new Map([[widget.id, approval]]) }),
    );
    expect(denied).toMatchObject({ condition: 'approval_recorded_by_unauthorized_login' });
    // EXECUTE granted around the role: the function itself still checks the installer role.
    await t.db.pool.query(`grant execute on function ${RECORDING_FUNCTIONS[1]} to ${LOGINS.reader}`);
    try {
      const refused = await refusal(
        reader.query(
          `select birth_lane.record_install_step($1::text, $2::text, $3::bigint, '{}', 'p', 'h', 'h', '{}', '{}', 'd', 'low')`,
          [widget.id, stepVersionHash(widget), approval],
        ),
      );
      expect(refused).toMatchObject({ code: 'BL003', constraint: 'install_installer_role' });
    } finally {
      await t.db.pool.query(`revoke execute on function ${RECORDING_FUNCTIONS[1]} from ${LOGINS.reader}`);
    }
    expect(await hash()).toBe(before);
  });

  it('a rehearsal that fails on the installer login’s own lack of privilege is not recorded (it would block the step)', async () => {
    const denied = sqlStep({
      id: 'widgets/0009_denied',
      title: 'a table in public, where the installer login may not create',
      risk: 'low',
      prerequisites: ['contract/0004_roles'],
      mutation: 'create table public.fix14_denied (id integer);',
      rollback: 'drop table if exists public.fix14_denied;',
      footprint: ['table:public.fix14_denied'],
    });
    await t.db.pool.query('revoke create on schema public from public');
    const report = await rehearseSteps(poolAs(LOGINS.installer), [denied]);
    expect(report.rehearsals[0]).toMatchObject({ passed: false, rehearsalId: null });
    expect(report.rehearsals[0]!.failure).toMatch(/lack of privilege of this login \(not recorded\)/);
    const { rows } = await t.db.pool.query(
      'select count(*)::int as n from birth_lane.install_rehearsals where step_id = $1',
      [denied.id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('an installer cannot forge, change or empty the ledger; the owner cannot change or empty it either', async () => {
    const installer = poolAs(LOGINS.installer);
    const forged = [
      `insert into birth_lane.install_applications (step_id, version_hash, kind, plan_hash, before_hash, after_hash, before_snapshot, after_snapshot)
         values ('widgets/0001_widgets', repeat('a', 64), 'bootstrap', 'p', 'h', 'h', '{}', '{}')`,
      `insert into birth_lane.install_rehearsals (step_id, version_hash, passed, entry_hash, exit_hash) values ('x', repeat('a', 64), true, 'h', 'h')`,
      'update birth_lane.install_rehearsals set passed = true',
      'delete from birth_lane.install_applications',
      'truncate birth_lane.install_rollbacks',
      "insert into birth_lane.applied_steps (step_id, digest) values ('widgets/0001_widgets', 'forged')",
    ];
    for (const statement of forged)
      expect((await refusal(installer.query(statement))).code, statement).toBe('42501');
    for (const statement of [
      "update birth_lane.install_applications set kind = 'approved'",
      'delete from birth_lane.install_rehearsals',
      'truncate birth_lane.install_applications cascade',
    ]) {
      expect((await refusal(t.db.pool.query(statement))).code, statement).toBe('BL002');
    }
  });

  it('an installer who voted for the approval may not apply with it (no self-approval): approval_missing', async () => {
    const scope = { step: widget.id, versionHash: stepVersionHash(widget) };
    const approval = await withDemoLogins(
      t.db.pool,
      DEMO_APPROVERS.filter((approver) => approver.label !== 'president'),
      async ([proposer, ...council]) => {
        const as = async (login: string, pass: string, sql: string, values: unknown[]) => {
          const client = await t.db.connectAs(login, pass);
          try {
            return (await client.query(sql, values)).rows;
          } finally {
            await client.end();
          }
        };
        const [request] = await as(
          proposer!.login,
          proposer!.password,
          "select birth_lane.request_approval('install_step', $1::jsonb, 'medium', 'test')::text as id",
          [JSON.stringify(scope)],
        );
        for (const member of council)
          await as(member.login, member.password, "select birth_lane.cast_vote($1::bigint, 'approve')", [
            request.id,
          ]);
        return request.id as string;
      },
    );
    const installer = poolAs(LOGINS.installer);
    await installer.query("select birth_lane.cast_vote($1::bigint, 'approve')", [approval]);
    const before = await hash();
    const error = await refusal(
      applyPlan(installer, steps, { only: widget.id, approvals: new Map([[widget.id, approval]]) }),
    );
    expect(error).toMatchObject({ condition: 'approval_missing' });
    expect(error.message).toMatch(/no self-approval/);
    expect(await hash()).toBe(before);
  });

  it('an installer applies with an approval by others; after that the bootstrap window is closed', async () => {
    const installer = poolAs(LOGINS.installer);
    const report = await applyPlan(installer, steps, {
      only: widget.id,
      approvals: new Map([[widget.id, await approveStep(t.db, widget)]]),
    });
    expect(report.applied.map((step) => [step.stepId, step.kind])).toEqual([[widget.id, 'approved']]);
    const { rows } = await t.db.pool.query(
      'select applied_by, kind from birth_lane.install_applications where step_id = $1::text',
      [widget.id],
    );
    expect(rows).toEqual([{ applied_by: LOGINS.installer, kind: 'approved' }]);
    const closed = await refusal(
      installer.query(
        `select birth_lane.record_install_step('contract/0001_registry', repeat('a', 64), null, '{}', 'p', 'h', 'h', '{}', '{}', 'd', 'low')`,
      ),
    );
    expect(closed).toMatchObject({ code: 'BL003', constraint: 'install_bootstrap_window' });
    // A prerequisite it names must be applied, whatever else the call says.
    const unmet = await refusal(
      installer.query(
        `select birth_lane.record_install_step('widgets/0001_widgets', repeat('a', 64), 1, '{nope/0001_missing}', 'p', 'h', 'h', '{}', '{}', 'd', 'low')`,
      ),
    );
    expect(unmet).toMatchObject({ code: 'BL003', constraint: 'install_prerequisites_applied' });
    expect(unmet.message).toMatch(/prerequisite nope\/0001_missing is not applied/);
  });
});
