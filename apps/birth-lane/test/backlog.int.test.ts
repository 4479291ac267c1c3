import { randomBytes } from 'node:crypto';
import {
  APPROVER_DATABASE_ROLES,
  EXIT_CODES,
  LANE_ROLES,
  quoteIdentifier,
  quoteLiteral,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli } from './run-cli.js';

// The installed lane with the default rule set active; the backlog pass driven through the real binary.
const t = useTestDatabase({ template: activeLaneTemplate, name: 'app-backlog' });
const suffix = randomBytes(4).toString('hex');
const PASSWORD = randomBytes(18).toString('hex');
const logins = {
  planner: { login: `bl_cbk_${suffix}_plan`, role: LANE_ROLES.governance },
  worker: { login: `bl_cbk_${suffix}_work`, role: 'birth_lane_backlog' },
  president: { login: `bl_cbk_${suffix}_pres`, role: APPROVER_DATABASE_ROLES.president },
  council1: { login: `bl_cbk_${suffix}_c1`, role: APPROVER_DATABASE_ROLES.ai_council },
  council2: { login: `bl_cbk_${suffix}_c2`, role: APPROVER_DATABASE_ROLES.ai_council },
};
type Person = keyof typeof logins;

function urlAs(who: Person): string {
  const url = new URL(t.db.connectionString);
  url.username = logins[who].login;
  url.password = PASSWORD;
  return url.toString();
}
const as = (who: Person, args: string[]) =>
  runCli(args, { DATABASE_URL: urlAs(who) }, { timeoutMs: 120_000 });

beforeAll(async () => {
  for (const { login, role } of Object.values(logins)) {
    await t.db.pool.query(
      `create role ${quoteIdentifier(login)} login password ${quoteLiteral(PASSWORD)} in role ${quoteIdentifier(role)}`,
    );
  }
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status, born_at)
     select 'CLI-' || lpad(n::text, 6, '0'), 'fauna', case when n % 5 = 0 then 'SP-TREE' else 'SP-MAMMAL' end,
            'dot://cli/' || n, 'row ' || n, 'a row for the command line', 'active', '2025-01-01'
       from generate_series(1, 400) n`,
  );
});
afterAll(async () => {
  await t.db.pool.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where usename = any($1::text[])',
    [Object.values(logins).map((person) => person.login)],
  );
  for (const { login } of Object.values(logins))
    await t.db.pool.query(`drop role if exists ${quoteIdentifier(login)}`);
});

describe('birth-lane backlog', () => {
  it('refuses an unbounded plan, naming the flag', async () => {
    const result = await as('planner', ['backlog', 'plan', '--from-id', '1']);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stderr).toMatch(/--to-id/);
  });

  it('plans, runs on the approval with two worker processes, shows the pass in status, and rolls it back', async () => {
    const bounds = await t.db.pool.query<{ first: string; last: string }>(
      'select min(id)::text as first, max(id)::text as last from public.birth_registry',
    );
    const { first, last } = bounds.rows[0]!;
    const planned = await as('planner', ['backlog', 'plan', '--from-id', first, '--to-id', last, '--json']);
    expect(planned.code, planned.stderr).toBe(0);
    const plan = JSON.parse(planned.stdout);
    expect(plan.counts.inScope).toBe(400);
    expect(plan.scope).toMatchObject({ idFrom: first, idTo: last });

    // Before the votes: refused, exit code of a stopped/refused run, nothing started.
    const early = await as('worker', ['backlog', 'run', '--approval', plan.approvalId]);
    expect(early.code).not.toBe(0);
    expect(early.stderr).toMatch(/quorum/);

    for (const who of ['president', 'council1', 'council2'] as const) {
      const vote = await as(who, ['approvals', 'vote', plan.approvalId, '--approve']);
      expect(vote.code, vote.stderr).toBe(0);
    }
    const ran = await as('worker', [
      'backlog',
      'run',
      '--approval',
      plan.approvalId,
      '--workers',
      '2',
      '--json',
    ]);
    expect(ran.code, ran.stderr).toBe(0);
    const pass = JSON.parse(ran.stdout.trim().split('\n').at(-1)!);
    expect(pass).toMatchObject({ state: 'done', scanned: 400, taken: 400 });

    // `birth-lane status` reads the whole lane: as the lane owner here (a reader login would do).
    const status = await runCli(['status'], { DATABASE_URL: t.db.connectionString });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`pass ${pass.runId}  done`);
    expect(status.stdout).toMatch(/400\/400 in-scope rows/);

    const rollbackRequest = await as('planner', [
      'approvals',
      'request',
      '--action',
      'backlog_rollback',
      '--scope',
      JSON.stringify({ runId: pass.runId }),
      '--risk',
      'high',
      '--reason',
      'undo',
      '--json',
    ]);
    expect(rollbackRequest.code, rollbackRequest.stderr).toBe(0);
    const rollbackId = String(JSON.parse(rollbackRequest.stdout).id);
    for (const who of ['president', 'council1', 'council2'] as const)
      expect((await as(who, ['approvals', 'vote', rollbackId, '--approve'])).code).toBe(0);
    const rolled = await as('worker', ['backlog', 'rollback', '--run', pass.runId, '--approval', rollbackId]);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toMatch(
      /certified row\(s\) left untouched \(certified rows were left untouched: undoing a certification is a promotion-level decision\)/,
    );
  }, 180_000);
});
