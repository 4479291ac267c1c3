import {
  APPROVER_DATABASE_ROLES,
  LANE_ROLES,
  quoteIdentifier,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFlipCriteria } from '../src/flip-criteria.js';
import { type FlipResult, flipBirthGate } from '../src/flip-gate.js';
import { readPersistedGateLayers } from '../src/persisted-gate-layers.js';
import { activateDefaultRuleSet, refusal, SETUP_SQL, testLogins, withNonSuperuserOwner } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const people = testLogins(() => t.db, {
  // The governance login that proposes also holds president: its own vote must still not count.
  ops: [LANE_ROLES.governance, APPROVER_DATABASE_ROLES.president],
  president: [APPROVER_DATABASE_ROLES.president],
  producer: [LANE_ROLES.producer],
});

async function propose(scope: Record<string, unknown>): Promise<string> {
  const ops = await people.session('ops');
  const { rows } = await ops.query<{ id: string }>(
    "select birth_lane.request_approval('gate_flip', $1::jsonb, 'medium', 'producer stands: block defective births')::text as id",
    [JSON.stringify(scope)],
  );
  return rows[0]!.id;
}

async function flipAsOps(to: 'block' | 'warning', approvalId?: string): Promise<FlipResult> {
  const ops = await people.session('ops');
  return flipBirthGate(ops, { to, approvalId, heartbeatWindowSeconds: 60, healthWindowSeconds: 3600 });
}

const unmet = (result: FlipResult) => result.criteria.filter((each) => !each.met).map((each) => each.id);

async function persistedMode(): Promise<string | null> {
  return (await readPersistedGateLayers(t.db.pool)).mode.value;
}

async function flipEvidence(): Promise<Array<{ outcome: string; to: string; by: string }>> {
  const { rows } = await t.db.pool.query<{
    payload: { payload: { outcome: string; to: string; by: string } };
  }>("select payload from birth_lane.evidence where kind = 'note' and check_id = 'gate.flip' order by id");
  return rows.map((row) => row.payload.payload);
}

const scope = () => ({ to: 'block', database: t.db.databaseName });

beforeAll(async () => {
  await people.create();
  await activateDefaultRuleSet(t.db);
});
afterAll(async () => {
  await people.drop();
});

describe('flip to block', () => {
  it('with no heartbeat: refused naming standing_producer, recorded, nothing persisted', async () => {
    const result = await flipAsOps('block');
    expect(result.outcome).toBe('refused');
    expect(unmet(result)).toEqual(['standing_producer', 'runs_succeeded', 'approval']);
    expect(result.criteria.find((each) => each.id === 'standing_producer')?.measured).toBe(
      'no heartbeat from any producer',
    );
    expect(await persistedMode()).toBeNull();
    expect(await flipEvidence()).toEqual([expect.objectContaining({ outcome: 'refused', to: 'block' })]);
  });

  it('a lane role cannot ALTER DATABASE, nor forge a heartbeat or its time', async () => {
    const ops = await people.session('ops');
    const alter = await refusal(
      ops.query(`alter database ${quoteIdentifier(t.db.databaseName)} set app.birth_gate_mode = 'block'`),
    );
    expect(sqlStateOf(alter)).toBe(SQLSTATE.insufficientPrivilege);

    const producer = await people.session('producer');
    for (const forged of [
      "insert into birth_lane.producer_heartbeats (instance_id, channel, host, pid, state, beat_at) values ('x', 'once', 'h', 1, 'idle', now())",
      "update birth_lane.producer_heartbeats set beat_at = now() + interval '1 day'",
      'truncate birth_lane.producer_heartbeats',
    ]) {
      expect(sqlStateOf(await refusal(producer.query(forged)))).toBe(SQLSTATE.insufficientPrivilege);
    }
    // Nor can it call the flip.
    const flip = await refusal(producer.query("select birth_lane.flip_birth_gate('block')"));
    expect(sqlStateOf(flip)).toBe(SQLSTATE.insufficientPrivilege);
  });

  it("the proposer's own vote never counts: refused naming the approval", async () => {
    const approvalId = await propose(scope());
    const ops = await people.session('ops');
    const selfVote = await refusal(
      ops.query("select birth_lane.cast_vote($1::bigint, 'approve')", [approvalId]),
    );
    expect(selfVote).toMatchObject({
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_proposer_vote',
    });
    const result = await flipAsOps('block', approvalId);
    expect(result.outcome).toBe('refused');
    expect(unmet(result)).toContain('approval');
    expect(result.criteria.find((each) => each.id === 'approval')?.measured).toMatch(
      /still needs 1 president approval/,
    );
  });

  it('succeeds once a producer stands, is healthy and the approval meets quorum; the approval is used once', async () => {
    const producer = await people.session('producer');
    await producer.query("select birth_lane.beat('gate-test-producer', 'schedule', 'host', 1, 'idle')");
    const run = await producer.query<{ id: string }>("select birth_lane.begin_run('schedule')::text as id");
    await producer.query("select birth_lane.finish_run($1::uuid, 'completed')", [run.rows[0]!.id]);

    const wrongScope = await propose({ to: 'block', database: 'another_database' });
    const approvalId = await propose(scope());
    const president = await people.session('president');
    for (const id of [wrongScope, approvalId])
      await president.query("select birth_lane.cast_vote($1::bigint, 'approve')", [id]);

    const elsewhere = await flipAsOps('block', wrongScope);
    expect(elsewhere.outcome).toBe('refused');
    expect(unmet(elsewhere)).toEqual(['approval']);

    const before = await readFlipCriteria(t.db.pool, {
      approvalId,
      heartbeatWindowSeconds: 60,
      healthWindowSeconds: 3600,
    });
    expect(before.criteria.every((each) => each.met)).toBe(true);
    const result = await flipAsOps('block', approvalId);
    expect(result).toMatchObject({ outcome: 'flipped', to: 'block', from: null });
    expect(await persistedMode()).toBe('block');

    const again = await flipAsOps('block', approvalId);
    expect(again.outcome).toBe('refused');
    expect(again.criteria.find((each) => each.id === 'approval')?.measured).toMatch(/already used/);
  });

  it('a failed run or a growing backlog in the window refuses the flip', async () => {
    const producer = await people.session('producer');
    await producer.query("select birth_lane.beat('gate-test-producer', 'schedule')");
    // Births no run has judged, backdated a month (born_at is the minter's; the criterion ignores it).
    await t.db.pool.query(
      "select birth_lane.mint_birth('GROW-' || lpad(n::text, 4, '0'), 'fauna', 'dot://grow', 'governed', null, now() - interval '30 days') from generate_series(1, 3) n",
    );
    const run = await producer.query<{ id: string }>("select birth_lane.begin_run('schedule')::text as id");
    await producer.query("select birth_lane.finish_run($1::uuid, 'failed', 'test')", [run.rows[0]!.id]);
    const approvalId = await propose(scope());
    await (await people.session('president')).query("select birth_lane.cast_vote($1::bigint, 'approve')", [
      approvalId,
    ]);
    const result = await flipAsOps('block', approvalId);
    expect(result.outcome).toBe('refused');
    expect(unmet(result)).toEqual(['runs_succeeded', 'backlog_not_growing']);
    expect(result.criteria.find((each) => each.id === 'backlog_not_growing')?.measured).toMatch(
      /^3 governed rows wait for a first judgement now; producer runs judged 0 rows within 01:00:00$/,
    );
  });
});

describe('flip to warning', () => {
  it('is always allowed and recorded, with where it came from', async () => {
    const result = await flipAsOps('warning');
    expect(result).toMatchObject({
      outcome: 'flipped',
      to: 'warning',
      from: 'block',
      criteria: [expect.objectContaining({ id: 'owner_can_set_mode', met: true })],
    });
    expect(await persistedMode()).toBe('warning');
    expect((await flipEvidence()).map((each) => `${each.to}:${each.outcome}`)).toEqual([
      'block:refused',
      'block:refused',
      'block:refused',
      'block:flipped',
      'block:refused',
      'block:refused',
      'warning:flipped',
    ]);
  });

  it('invalid input is refused before anything is written, naming the field', async () => {
    const ops = await people.session('ops');
    await expect(flipBirthGate(ops, { to: 'blok' as 'block' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [expect.objectContaining({ field: 'to' })],
    });
    const sql = await refusal(ops.query("select birth_lane.flip_birth_gate('blok')"));
    expect(sql).toMatchObject({ code: SQLSTATE.laneViolation, constraint: 'gate_flip_to' });
    const window = await refusal(
      ops.query("select birth_lane.flip_birth_gate('block', null, interval '30 days')"),
    );
    expect(window).toMatchObject({ constraint: 'gate_flip_heartbeat_window' });
    // The server's minimum health window: a flipper cannot measure health over a minute.
    const short = await refusal(
      ops.query(
        "select birth_lane.flip_birth_gate('block', null, interval '5 minutes', interval '1 minute')",
      ),
    );
    expect(short).toMatchObject({ constraint: 'gate_flip_health_window' });
    expect(short.message).toContain("01:00:00 (the server's minimum)");
    await expect(flipBirthGate(ops, { to: 'block', healthWindowSeconds: 60 })).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: 'healthWindowSeconds' })],
    });
    // A status reading asking for less is measured over the minimum, and says so.
    const { rows } = await t.db.pool.query<{ criteria: Array<{ id: string; measured: string }> }>(
      "select birth_lane.gate_flip_criteria(null, interval '5 minutes', interval '1 minute') as criteria",
    );
    expect(rows[0]!.criteria.find((each) => each.id === 'runs_succeeded')?.measured).toContain(
      'within 01:00:00',
    );
    expect(await flipEvidence()).toHaveLength(7);
  });
});

describe('a lane owner that is not a superuser (PostgreSQL 15+)', () => {
  it('the flip is refused and recorded naming the GRANT a superuser runs; after the GRANT it flips', async () => {
    await withNonSuperuserOwner(t.db, async (owner, grantSet) => {
      const before = (await flipEvidence()).length;
      const refused = await flipAsOps('warning');
      const grant = `GRANT SET ON PARAMETER app.birth_gate_mode, app.bypass_birth_gate TO ${owner}`;
      expect(refused.outcome).toBe('refused');
      expect(refused.criteria).toEqual([
        expect.objectContaining({
          id: 'owner_can_set_mode',
          met: false,
          measured: expect.stringContaining(grant),
        }),
      ]);
      const recorded = await flipEvidence();
      expect(recorded).toHaveLength(before + 1);
      expect(recorded.at(-1)).toMatchObject({ to: 'warning', outcome: 'refused' });
      // gate status says it before anyone flips.
      const { criteria } = await readFlipCriteria(await people.session('ops'));
      expect(criteria.find((each) => each.id === 'owner_can_set_mode')).toMatchObject({ met: false });

      await grantSet();
      expect(await flipAsOps('warning')).toMatchObject({ outcome: 'flipped' });
    });
  });
});
