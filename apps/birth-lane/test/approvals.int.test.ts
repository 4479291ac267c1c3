import { randomBytes } from 'node:crypto';
import { contractSteps, LANE_ROLES, quoteIdentifier, quoteLiteral } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/channels/exit-codes.js';
import { runCli } from './run-cli.js';

// The approvals need only the contract's surfaces, so this file installs just those.
const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation), name: 'app-approvals' });
const suffix = randomBytes(4).toString('hex');
const PASSWORD = 'cli-approvals-test';
const logins = {
  proposer: `bl_cli_${suffix}_proposer`,
  president: `bl_cli_${suffix}_president`,
  council1: `bl_cli_${suffix}_council1`,
  council2: `bl_cli_${suffix}_council2`,
  nobody: `bl_cli_${suffix}_nobody`,
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
});
afterAll(async () => {
  for (const login of Object.values(logins)) {
    await t.db.pool.query(`drop role if exists ${quoteIdentifier(login)}`).catch(() => undefined);
  }
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
      'promotion',
      '--scope',
      '{"rowId":"1"}',
      '--risk',
      'low',
      '--reason',
      'r',
    ]);
    expect(lowRisk.code).toBe(EXIT_CODES.usage);
    expect(lowRisk.stderr).toMatch(/--risk: promotion needs at least high risk \(rule: minimum_risk\)/);
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
    expect(noRole.code).toBe(EXIT_CODES.failed);
    expect(noRole.stderr).toMatch(/FORBIDDEN_ACTION: .*birth_lane_reader \(to read\)/);
    const badRole = await asAdmin(['approvers', 'grant', logins.council1, '--as', 'member']);
    expect(badRole.code).toBe(EXIT_CODES.usage);
    expect(badRole.stderr).toMatch(/--as: must be president, ai_council or approver/);
  }, 300_000);
});
