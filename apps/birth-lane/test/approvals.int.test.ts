import { randomBytes } from 'node:crypto';
import { certifySteps } from '@birth-lane/certify-consumer';
import { contractSteps, EXIT_CODES, LANE_ROLES, quoteIdentifier, quoteLiteral } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// The approvals need the contract's surfaces, and the certify consumer's for promotions.
const t = useTestDatabase({
  setupSql: [...contractSteps, ...certifySteps].map((step) => step.mutation),
  name: 'app-approvals',
});
const suffix = randomBytes(4).toString('hex');
// Random: a login a crashed run leaves behind is no way into the server (roles are cluster-wide).
const PASSWORD = randomBytes(18).toString('hex');
const logins = {
  proposer: `bl_cli_${suffix}_proposer`,
  president: `bl_cli_${suffix}_president`,
  council1: `bl_cli_${suffix}_council1`,
  council2: `bl_cli_${suffix}_council2`,
  nobody: `bl_cli_${suffix}_nobody`,
  promoter: `bl_cli_${suffix}_promoter`,
};

/** DATABASE_URL of the test database, logged in as `login`: the CLI then acts as that person. */
function urlAs(login: string): string {
  const url = new URL(t.db.connectionString);
  url.username = login;
  url.password = PASSWORD;
  return url.toString();
}
const as = (login: string, args: string[]) => runCli(args, { DATABASE_URL: urlAs(login) });
const asAdmin = (args: string[]) => runCli(args, { DATABASE_URL: t.db.connectionString });

beforeAll(async () => {
  for (const login of Object.values(logins)) {
    await t.db.pool.query(`create role ${quoteIdentifier(login)} login password ${quoteLiteral(PASSWORD)}`);
  }
  await t.db.pool.query(`grant ${LANE_ROLES.governance} to ${quoteIdentifier(logins.proposer)}`);
  await t.db.pool.query(`grant ${LANE_ROLES.promoter} to ${quoteIdentifier(logins.promoter)}`);
});
afterAll(async () => {
  // A drop that fails is reported, naming the logins left behind, never swallowed.
  const failures: string[] = [];
  for (const login of Object.values(logins)) {
    try {
      await t.db.pool.query(`drop role if exists ${quoteIdentifier(login)}`);
    } catch (error) {
      failures.push(`${login}: ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) throw new Error(`test logins left behind: ${failures.join('; ')}`);
});

describe('birth-lane approvers and approvals, each person through their own login', () => {
  it('the honest path: grant roles, request, three votes, show says quorum is met', async () => {
    for (const [login, role] of [
      [logins.president, 'president'],
      [logins.council1, 'ai_council'],
      [logins.council2, 'ai_council'],
    ] as const) {
      const granted = await asAdmin(['approvers', 'grant', login, '--as', role]);
      expect(granted.code, granted.stderr).toBe(EXIT_CODES.completed);
    }
    const listed = await asAdmin(['approvers', 'list', '--json']);
    expect(JSON.parse(listed.stdout).approvers).toEqual(
      expect.arrayContaining([
        { login: logins.president, role: 'president' },
        { login: logins.council1, role: 'ai_council' },
        { login: logins.council2, role: 'ai_council' },
      ]),
    );

    const requested = await as(logins.proposer, [
      'approvals',
      'request',
      '--action',
      'gate_flip',
      '--scope',
      '{"mode":"block"}',
      '--risk',
      'high',
      '--reason',
      'flip the gate after a week of clean runs',
      '--expires-in',
      '2d',
      '--json',
    ]);
    expect(requested.code, requested.stderr).toBe(EXIT_CODES.completed);
    const request = JSON.parse(requested.stdout);
    expect(request).toMatchObject({ id: expect.any(String), proposer: logins.proposer, quorumMet: false });

    const selfVote = await as(logins.proposer, ['approvals', 'vote', request.id, '--approve']);
    expect(selfVote.code).toBe(EXIT_CODES.failed);
    expect(selfVote.stderr).toMatch(
      /APPROVAL_REFUSED: .*the proposer never votes \(rule: approval_proposer_vote\)/,
    );

    const wrongRole = await as(logins.council1, [
      'approvals',
      'vote',
      request.id,
      '--approve',
      '--as',
      'president',
    ]);
    expect(wrongRole.code).toBe(EXIT_CODES.failed);
    expect(wrongRole.stderr).toMatch(/rule: approval_voter_role/);

    for (const login of [logins.president, logins.council1, logins.council2]) {
      const voted = await as(login, [
        'approvals',
        'vote',
        request.id,
        '--approve',
        '--comment',
        'looks right',
      ]);
      expect(voted.code, voted.stderr).toBe(EXIT_CODES.completed);
    }
    const shown = await as(logins.proposer, ['approvals', 'show', request.id, '--json']);
    expect(shown.code, shown.stderr).toBe(EXIT_CODES.completed);
    const status = JSON.parse(shown.stdout);
    expect(status).toMatchObject({ quorumMet: true, missing: [], usedAt: null });
    expect(status.votes.map((vote: { voter: string; role: string }) => [vote.voter, vote.role])).toEqual([
      [logins.president, 'president'],
      [logins.council1, 'ai_council'],
      [logins.council2, 'ai_council'],
    ]);

    // A promoter reads the approval it is about to use.
    const promoterView = await as(logins.promoter, ['approvals', 'show', request.id, '--json']);
    expect(promoterView.code, promoterView.stderr).toBe(EXIT_CODES.completed);
    expect(JSON.parse(promoterView.stdout)).toMatchObject({ id: request.id, quorumMet: true });

    const text = await as(logins.president, ['approvals', 'show', request.id]);
    expect(text.stdout).toMatch(/quorum met/);
    const open = await as(logins.proposer, ['approvals', 'list', '--open', '--json']);
    expect(JSON.parse(open.stdout).map((listedRequest: { id: string }) => listedRequest.id)).toContain(
      request.id,
    );
  }, 300_000);

  it('names the flag and the rule of a bad request or vote (exit 64), before touching the database', async () => {
    const lowRisk = await as(logins.proposer, [
      'approvals',
      'request',
      '--action',
      'rule_set_activation',
      '--scope',
      '{"version":"1.0.0"}',
      '--risk',
      'low',
      '--reason',
      'r',
    ]);
    expect(lowRisk.code).toBe(EXIT_CODES.usage);
    expect(lowRisk.stderr).toMatch(
      /--risk: rule_set_activation needs at least high risk \(rule: minimum_risk\)/,
    );
    const promotion = await as(logins.proposer, [
      'approvals',
      'request',
      '--action',
      'promotion',
      '--scope',
      '{"rowId":"1"}',
      '--risk',
      'high',
      '--reason',
      'filed ahead of time',
    ]);
    expect(promotion.code).toBe(EXIT_CODES.usage);
    expect(promotion.stderr).toMatch(
      /--action: promotion requests are filed only by the certify consumer.*refile-promotions.*rule: promotion_filed_by_lane/,
    );
    const badScope = await as(logins.proposer, [
      'approvals',
      'request',
      '--action',
      'gate_flip',
      '--scope',
      '{}',
      '--risk',
      'high',
      '--reason',
      'r',
      '--expires-in',
      '90d',
    ]);
    expect(badScope.code).toBe(EXIT_CODES.usage);
    expect(badScope.stderr).toMatch(/--scope: .*rule: not_blanket/);
    expect(badScope.stderr).toMatch(/--expires-in: .*rule: max/);
    const both = await as(logins.council1, ['approvals', 'vote', '1', '--approve', '--reject']);
    expect(both.code).toBe(EXIT_CODES.usage);
    expect(both.stderr).toMatch(/--approve\/--reject: give exactly one .*rule: exactly_one/);
    const noRole = await as(logins.nobody, ['approvals', 'list']);
    expect(noRole.code).toBe(EXIT_CODES.noPermission);
    expect(noRole.stderr).toMatch(/FORBIDDEN_ACTION: .*birth_lane_reader \(to read\)/);
    const badRole = await asAdmin(['approvers', 'grant', logins.council1, '--as', 'member']);
    expect(badRole.code).toBe(EXIT_CODES.usage);
    expect(badRole.stderr).toMatch(/--as: must be president, ai_council or approver/);
  }, 300_000);

  it('refile-promotions files requests for ready canonical rows whose request lapsed, as governance only', async () => {
    await t.db.pool.query("insert into birth_lane.canonical_collections (collection_name) values ('kernel')");
    // A ready canonical row without an open request (its stamps written with the trigger off).
    const client = await t.db.connect();
    let rowId: string;
    try {
      await client.query("set session_replication_role = 'replica'");
      const { rows } = await client.query<{ id: string }>(
        `insert into public.birth_registry (entity_code, collection_name, dot_origin, governance_role, name, description, status,
                                            inspect_pen, inspect_stamp, inspect_gate)
         values ($1::text, 'kernel', 'test', 'governed', 'n', 'd', 'active',
                 now() - interval '2 s', now() - interval '1 s', now()) returning id::text`,
        [`R${process.pid}-0001`],
      );
      rowId = rows[0]!.id;
    } finally {
      await client.end();
    }
    const refused = await as(logins.nobody, ['approvals', 'refile-promotions']);
    expect(refused.code).toBe(EXIT_CODES.noPermission);
    expect(refused.stderr).toMatch(/FORBIDDEN_ACTION: .*birth_lane_governance/);
    const badLimit = await as(logins.proposer, ['approvals', 'refile-promotions', '--limit', '0']);
    expect(badLimit.code).toBe(EXIT_CODES.usage);
    expect(badLimit.stderr).toMatch(/--limit: must be a whole number from 1 to 100000/);

    const filed = await as(logins.proposer, ['approvals', 'refile-promotions', '--limit', '10', '--json']);
    expect(filed.code, filed.stderr).toBe(EXIT_CODES.completed);
    expect(JSON.parse(filed.stdout)).toEqual({ filed: 1 });
    const { rows } = await t.db.pool.query(
      "select proposer, risk from birth_lane.approval_requests where action = 'promotion' and scope = $1::jsonb",
      [JSON.stringify({ rowId })],
    );
    expect(rows).toEqual([{ proposer: 'birth_lane.certify_consumer', risk: 'high' }]);
    const again = await as(logins.proposer, ['approvals', 'refile-promotions']);
    expect(again.code, again.stderr).toBe(EXIT_CODES.completed);
    expect(again.stdout).toMatch(/no promotion request to re-file/);
  }, 300_000);
});
