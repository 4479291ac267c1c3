import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER_DATABASE_ROLES } from '../src/approval.js';
import { contractSteps, LANE_ROLES } from '../src/contract-steps.js';
import { sqlStateOf } from '../src/errors.js';
import { PostgresApprovalGate } from '../src/postgres-approval-gate.js';
import { SQLSTATE } from '../src/sqlstate.js';
import {
  type ApprovalGateCast,
  approveWithDemoLogins,
  DEMO_APPROVERS,
  DEMO_LOGIN_LIFETIME_SECONDS,
  DEMO_LOGIN_PREFIX,
  describeApprovalGateConformance,
  withDemoLogins,
} from '../src/testing/index.js';
import { createLogin, dropLogins, loginSuffix, TEST_PASSWORD } from './support/logins.js';

const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation), name: 'approvals' });
const suffix = loginSuffix();
const logins = {
  proposer: `bl_ap_${suffix}_proposer`,
  president: `bl_ap_${suffix}_president`,
  council1: `bl_ap_${suffix}_council1`,
  council2: `bl_ap_${suffix}_council2`,
};

beforeAll(async () => {
  await createLogin(t.db.pool, logins.proposer, [LANE_ROLES.governance]);
  await createLogin(t.db.pool, logins.president, [APPROVER_DATABASE_ROLES.president]);
  await createLogin(t.db.pool, logins.council1, [APPROVER_DATABASE_ROLES.ai_council]);
  await createLogin(t.db.pool, logins.council2, [APPROVER_DATABASE_ROLES.ai_council]);
});
afterAll(() => dropLogins(t.db.pool, Object.values(logins)));

const gateAs = async (login: string) => new PostgresApprovalGate(await t.db.connectAs(login, TEST_PASSWORD));

let cast: ApprovalGateCast | undefined;
describeApprovalGateConformance('PostgresApprovalGate with one login per person', async () => {
  cast ??= {
    proposer: await gateAs(logins.proposer),
    president: await gateAs(logins.president),
    aiCouncil: [await gateAs(logins.council1), await gateAs(logins.council2)],
  };
  return cast;
});

describe('approval records', () => {
  it('are append-only: a vote cannot be rewritten, even by the owner', async () => {
    const proposer = await gateAs(logins.proposer);
    const request = await proposer.propose({
      action: 'gate_flip',
      scope: { mode: 'block' },
      risk: 'medium',
      reason: 'r',
    });
    await (await gateAs(logins.council1)).vote({ requestId: request.id, decision: 'reject' });
    const error = await t.db.pool
      .query("update birth_lane.approval_votes set decision = 'approve' where request_id = $1::bigint", [
        request.id,
      ])
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.appendOnlyViolation);
  });

  it('refuse a vote for a request that does not exist, naming the rule', async () => {
    const president = await gateAs(logins.president);
    await expect(president.vote({ requestId: '999999', decision: 'approve' })).rejects.toMatchObject({
      code: 'APPROVAL_REFUSED',
      rule: 'approval_request_exists',
    });
  });

  it('record the login as proposer and voter, and every request, vote and use in the evidence log', async () => {
    const request = await (await gateAs(logins.proposer)).propose({
      action: 'install_step',
      scope: { step: 'evidence-test' },
      risk: 'medium',
      reason: 'evidence',
    });
    expect(request.proposer).toBe(logins.proposer);
    await (await gateAs(logins.president)).vote({ requestId: request.id, decision: 'approve' });
    await t.db.pool.query(
      `select birth_lane.consume_approval($1::bigint, 'install_step', '{"step":"evidence-test"}'::jsonb)`,
      [request.id],
    );
    const { rows } = await t.db.pool.query<{ kind: string; by: string }>(
      `select kind, coalesce(payload->>'proposer', payload->>'voter', payload->>'usedBy') as by
         from birth_lane.evidence where payload->>'approvalRequestId' = $1::text order by id`,
      [request.id],
    );
    expect(rows.map((row) => [row.kind, row.by])).toEqual([
      ['approval_requested', logins.proposer],
      ['approval_voted', logins.president],
      ['approval_used', (await t.db.pool.query('select session_user as login')).rows[0].login],
    ]);
  });
});

describe('approveWithDemoLogins', () => {
  it('returns a request that meets quorum, voted by separate, short-lived demo logins that are gone afterwards', async () => {
    const id = await approveWithDemoLogins(t.db.pool, (login, password) => t.db.connectAs(login, password), {
      action: 'rule_set_activation',
      scope: { version: 'demo', hash: 'h' },
    });
    const status = await new PostgresApprovalGate(t.db.pool).status(id);
    expect(status?.quorumMet).toBe(true);
    const suffix = /_([0-9a-f]{6})$/.exec(status!.proposer)?.[1];
    expect(status?.proposer).toBe(`${DEMO_LOGIN_PREFIX}proposer_${suffix}`);
    expect(status?.votes.map((vote) => vote.voter)).toEqual(
      ['president', 'council_1', 'council_2'].map((label) => `${DEMO_LOGIN_PREFIX}${label}_${suffix}`),
    );
    // No login with a known (or any) password stays on the cluster: each call drops its own.
    const left = await t.db.pool.query(
      'select rolname from pg_catalog.pg_roles where rolname = any($1::text[])',
      [[status!.proposer, ...status!.votes.map((vote) => vote.voter)]],
    );
    expect(left.rows).toEqual([]);
  });

  it('each demo login has its own random password and expires within the hour; all are dropped even when the work fails', async () => {
    const seen: { login: string; password: string; validUntil: Date | null }[] = [];
    const failure = await withDemoLogins(t.db.pool, DEMO_APPROVERS, async (demo) => {
      for (const login of demo) {
        const { rows } = await t.db.pool.query<{ valid_until: Date | null }>(
          'select rolvaliduntil as valid_until from pg_catalog.pg_roles where rolname = $1::text',
          [login.login],
        );
        seen.push({ login: login.login, password: login.password, validUntil: rows[0]!.valid_until });
      }
      throw new Error('work failed');
    }).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('work failed');
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((login) => login.password)).size).toBe(4);
    for (const login of seen) {
      expect(login.login).toMatch(/^birth_lane_demo_(proposer|president|council_1|council_2)_[0-9a-f]{6}$/);
      expect(login.password).toMatch(/^[0-9a-f]{48}$/);
      const inMs = login.validUntil!.getTime() - Date.now();
      expect(inMs).toBeGreaterThan(0);
      expect(inMs).toBeLessThanOrEqual(DEMO_LOGIN_LIFETIME_SECONDS * 1000);
    }
    const left = await t.db.pool.query(
      'select rolname from pg_catalog.pg_roles where rolname = any($1::text[])',
      [seen.map((login) => login.login)],
    );
    expect(left.rows).toEqual([]);
  });
});
