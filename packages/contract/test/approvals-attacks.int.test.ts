import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER_DATABASE_ROLES } from '../src/approval.js';
import { contractSteps, LANE_ROLES } from '../src/contract-steps.js';
import { SQLSTATE } from '../src/sqlstate.js';
import { createLogin, dropLogins, loginSuffix, TEST_PASSWORD } from './support/logins.js';

// Every attack is made by a LOGIN role with its own session (session_user is that login), as a
// person holding a lane role would, and every refusal is checked to have written nothing.
const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation), name: 'approval-attacks' });
const suffix = loginSuffix();
// Short names: PostgreSQL cuts identifiers at 63 bytes, and a fullwidth letter takes three.
const name = (who: string) => `a${suffix}_${who}`;
const fullwidth = (text: string) =>
  [...text]
    .map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c))
    .join('');

const logins = {
  // governance, and president too: a proposer who also holds an approver role
  proposer: name('prop'),
  // governance only: the attacker of the first tests
  attacker: name('attacker'),
  president: name('president'),
  council1: name('council1'),
  council2: name('council2'),
  // look-alike logins of the proposer, each holding president
  proposerUpper: `${name('prop').toUpperCase()}`,
  proposerZeroWidth: `${name('pr\u200bop')}\u2060`,
  proposerFullwidth: fullwidth(name('prop')),
  // one login per lane role, and one holding nothing (PUBLIC)
  producer: name('producer'),
  promoter: name('promoter'),
  reader: name('reader'),
  birth: name('birth'),
  nobody: name('nobody'),
};
const grants: Record<keyof typeof logins, string[]> = {
  proposer: [LANE_ROLES.governance, APPROVER_DATABASE_ROLES.president],
  attacker: [LANE_ROLES.governance],
  president: [APPROVER_DATABASE_ROLES.president],
  council1: [APPROVER_DATABASE_ROLES.ai_council],
  council2: [APPROVER_DATABASE_ROLES.ai_council],
  proposerUpper: [APPROVER_DATABASE_ROLES.president],
  proposerZeroWidth: [APPROVER_DATABASE_ROLES.president],
  proposerFullwidth: [APPROVER_DATABASE_ROLES.president],
  producer: [LANE_ROLES.producer],
  promoter: [LANE_ROLES.promoter],
  reader: [LANE_ROLES.reader],
  birth: [LANE_ROLES.birth],
  nobody: [],
};

const sessions = new Map<string, pg.Client>();
async function as(who: keyof typeof logins): Promise<pg.Client> {
  let client = sessions.get(who);
  if (!client) {
    client = await t.db.connectAs(logins[who], TEST_PASSWORD);
    sessions.set(who, client);
  }
  return client;
}

beforeAll(async () => {
  for (const [who, login] of Object.entries(logins)) {
    await createLogin(t.db.pool, login, grants[who as keyof typeof logins]);
  }
});
afterAll(async () => {
  for (const client of sessions.values()) await client.end();
  await dropLogins(t.db.pool, Object.values(logins));
});

/** The error a promise rejected with; fails the test if it resolved. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ code?: string; constraint?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; constraint?: string; message: string };
  }
  throw new Error('expected a refusal, but the statement succeeded');
}

async function counts(): Promise<{ requests: number; votes: number; uses: number; evidence: number }> {
  const { rows } = await t.db.pool.query(
    `select (select count(*) from birth_lane.approval_requests)::int as requests,
            (select count(*) from birth_lane.approval_votes)::int as votes,
            (select count(*) from birth_lane.approval_uses)::int as uses,
            (select count(*) from birth_lane.evidence)::int as evidence`,
  );
  return rows[0];
}

/** Asserts that `attack` is refused with `expected` and that no approval or evidence row was written. */
async function refusedWithoutTrace(
  attack: () => Promise<unknown>,
  expected: { code: string; constraint?: string },
): Promise<void> {
  const before = await counts();
  const error = await refusal(attack());
  expect({ code: error.code, constraint: error.constraint }).toMatchObject(expected);
  expect(await counts()).toEqual(before);
}

async function propose(
  who: keyof typeof logins = 'proposer',
  input: { action?: string; scope?: object; risk?: string } = {},
): Promise<string> {
  const { rows } = await (await as(who)).query<{ id: string }>(
    "select birth_lane.request_approval($1::text, $2::jsonb, $3::text, 'attack test')::text as id",
    [
      input.action ?? 'gate_flip',
      JSON.stringify(input.scope ?? { attack: String(Math.random()) }),
      input.risk ?? 'high',
    ],
  );
  return rows[0]!.id;
}

const vote = async (
  who: keyof typeof logins,
  requestId: string,
  decision = 'approve',
  role: string | null = null,
) =>
  (await as(who)).query('select birth_lane.cast_vote($1::bigint, $2::text, null, $3::text)', [
    requestId,
    decision,
    role,
  ]);

async function status(requestId: string) {
  const { rows } = await t.db.pool.query('select birth_lane.approval_status($1::bigint) as status', [
    requestId,
  ]);
  return rows[0].status;
}

const consume = (db: pg.Client | pg.Pool, requestId: string, action: string, scope: object) =>
  db.query('select birth_lane.consume_approval($1::bigint, $2::text, $3::jsonb)', [
    requestId,
    action,
    JSON.stringify(scope),
  ]);

describe('a governance login cannot write approvals directly', () => {
  it('INSERT into requests, votes and uses is refused (no privilege), with nothing written', async () => {
    const requestId = await propose();
    const attacker = await as('attacker');
    await refusedWithoutTrace(
      async () =>
        attacker.query(
          `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason)
         values ('gate_flip', '{"mode":"block"}', 'low', 'someone_else', 'forged')`,
        ),
      { code: SQLSTATE.insufficientPrivilege },
    );
    await refusedWithoutTrace(
      async () =>
        attacker.query(
          `insert into birth_lane.approval_votes (request_id, voter, role, decision)
         values ($1::bigint, $2::text, 'president', 'approve')`,
          [requestId, logins.president],
        ),
      { code: SQLSTATE.insufficientPrivilege },
    );
    await refusedWithoutTrace(
      async () =>
        attacker.query(
          `insert into birth_lane.approval_uses (request_id, action, scope) values ($1::bigint, 'gate_flip', '{}')`,
          [requestId],
        ),
      { code: SQLSTATE.insufficientPrivilege },
    );
  });

  it('cannot choose an id or a time: no function takes one, the sequences are closed, the insert is refused', async () => {
    const requestId = await propose();
    const attacker = await as('attacker');
    await refusedWithoutTrace(
      async () => attacker.query("select nextval('birth_lane.approval_votes_id_seq')"),
      {
        code: SQLSTATE.insufficientPrivilege,
      },
    );
    await refusedWithoutTrace(
      async () => attacker.query("select setval('birth_lane.approval_requests_id_seq', 1000000)"),
      {
        code: SQLSTATE.insufficientPrivilege,
      },
    );
    await refusedWithoutTrace(
      async () =>
        attacker.query(
          `insert into birth_lane.approval_votes (id, request_id, voter, role, decision, cast_at)
         values (999999, $1::bigint, 'x', 'president', 'approve', now() - interval '1 day')`,
          [requestId],
        ),
      { code: SQLSTATE.insufficientPrivilege },
    );
    // cast_vote has four parameters: a fifth (a time) matches no function.
    await refusedWithoutTrace(
      async () =>
        attacker.query("select birth_lane.cast_vote($1::bigint, 'approve', null, null, now())", [requestId]),
      { code: SQLSTATE.undefinedFunction },
    );
  });
});

describe('a vote is the caller’s own, in a role the caller holds', () => {
  it('the voter recorded is session_user, even after SET ROLE', async () => {
    const requestId = await propose();
    const council = await as('council1');
    await council.query(`set role ${APPROVER_DATABASE_ROLES.ai_council}`);
    try {
      await vote('council1', requestId);
    } finally {
      await council.query('reset role');
    }
    const current = await status(requestId);
    expect(current.votes.map((v: { voter: string; role: string }) => [v.voter, v.role])).toEqual([
      [logins.council1, 'ai_council'],
    ]);
    const { rows } = await t.db.pool.query(
      "select recorded_by, payload->>'voter' as voter from birth_lane.evidence where kind = 'approval_voted' and payload->>'approvalRequestId' = $1::text",
      [requestId],
    );
    expect(rows).toEqual([{ recorded_by: logins.council1, voter: logins.council1 }]);
  });

  it('a governance login holding no approver role cannot vote at all', async () => {
    const requestId = await propose();
    await refusedWithoutTrace(async () => vote('attacker', requestId), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_voter_role',
    });
  });

  it('a vote in a role not held is refused', async () => {
    const requestId = await propose();
    await refusedWithoutTrace(async () => vote('council1', requestId, 'approve', 'president'), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_voter_role',
    });
    await refusedWithoutTrace(async () => vote('council1', requestId, 'approve', 'member'), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_voter_role',
    });
  });

  it.each([
    ['proposer', 'the proposer itself'],
    ['proposerUpper', 'an upper-case login of the proposer'],
    ['proposerZeroWidth', 'a login with zero-width characters in the proposer’s name'],
    ['proposerFullwidth', 'a fullwidth login of the proposer'],
  ] as const)('the proposer cannot vote: %s (%s)', async (who, _description) => {
    const requestId = await propose('proposer', { risk: 'medium' });
    await refusedWithoutTrace(async () => vote(who, requestId), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_proposer_vote',
    });
    expect((await status(requestId)).quorumMet).toBe(false);
  });

  it('a reject stands: the voter cannot withdraw it or vote again, and high risk stays unmet', async () => {
    const requestId = await propose();
    await vote('president', requestId);
    await vote('council1', requestId);
    await vote('council2', requestId, 'reject');
    await refusedWithoutTrace(async () => vote('council2', requestId), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_reject_stands',
    });
    const current = await status(requestId);
    expect(current.quorumMet).toBe(false);
    expect(current.missing).toEqual(['1 ai_council approval(s)', 'no reject (1 standing)']);
  });

  it('a later vote replaces an approve: approve, then reject, counts as a reject', async () => {
    const requestId = await propose();
    await vote('president', requestId);
    await vote('council1', requestId);
    await vote('council2', requestId);
    expect((await status(requestId)).quorumMet).toBe(true);
    await vote('council2', requestId, 'reject');
    expect((await status(requestId)).quorumMet).toBe(false);
  });
});

describe('requests', () => {
  it('record session_user as proposer and refuse a risk below the action minimum or an unbounded expiry', async () => {
    const requestId = await propose('attacker', { action: 'install_step', risk: 'medium' });
    expect((await status(requestId)).proposer).toBe(logins.attacker);
    await refusedWithoutTrace(
      async () => propose('attacker', { action: 'rule_set_activation', risk: 'medium' }),
      {
        code: SQLSTATE.approvalViolation,
        constraint: 'approval_minimum_risk',
      },
    );
    await refusedWithoutTrace(
      async () =>
        (await as('attacker')).query(
          "select birth_lane.request_approval('gate_flip', '{\"a\":1}', 'high', 'r', interval '400 days')",
        ),
      { code: SQLSTATE.approvalViolation, constraint: 'approval_expiry' },
    );
    for (const scope of ['{}', '[1]', '{"nested":{"a":1}}']) {
      await refusedWithoutTrace(
        async () =>
          (await as('attacker')).query(
            "select birth_lane.request_approval('gate_flip', $1::jsonb, 'high', 'r')",
            [scope],
          ),
        { code: SQLSTATE.approvalViolation, constraint: 'approval_scope' },
      );
    }
  });
});

describe('promotion requests are filed only by the certify consumer', () => {
  // Filed ahead of time for a row that does not exist yet, then approved, the birth role could
  // mint that row with chosen content and promote would certify it: no person files promotions.
  it.each(['attacker', 'proposer', 'president'] as const)(
    'request_approval refuses action promotion from %s, at any risk, with nothing written',
    async (who) => {
      for (const rowId of ['1', '999999999']) {
        await refusedWithoutTrace(
          async () => propose(who, { action: 'promotion', scope: { rowId }, risk: 'high' }),
          { code: SQLSTATE.approvalViolation, constraint: 'approval_promotion_filed_by_lane' },
        );
      }
    },
  );
});

describe('reasons and superusers', () => {
  it.each([
    ['a zero-width space', '\u200b'],
    ['zero-width characters and spaces', ' \u200b\u2060\ufeff '],
    ['a soft hyphen and a no-break space', '\u00ad\u00a0'],
  ])('a reason made only of %s is refused', async (_what, reason) => {
    await refusedWithoutTrace(
      async () =>
        (await as('attacker')).query(
          "select birth_lane.request_approval('gate_flip', '{\"r\":1}', 'high', $1::text)",
          [reason],
        ),
      { code: SQLSTATE.approvalViolation, constraint: 'approval_reason' },
    );
  });

  it('a superuser login cannot vote, though it passes pg_has_role for every approver role', async () => {
    const { rows } = await t.db.pool.query<{ super: boolean }>(
      'select rolsuper as super from pg_catalog.pg_roles where rolname = session_user',
    );
    expect(rows[0]!.super).toBe(true); // the test server's admin login
    const requestId = await propose('proposer', { risk: 'medium' });
    for (const role of [null, 'president']) {
      await refusedWithoutTrace(
        async () =>
          t.db.pool.query("select birth_lane.cast_vote($1::bigint, 'approve', null, $2::text)", [
            requestId,
            role,
          ]),
        { code: SQLSTATE.approvalViolation, constraint: 'approval_superuser_vote' },
      );
    }
    expect((await status(requestId)).quorumMet).toBe(false);
  });
});

describe('a promoter can read the approval it is about to use', () => {
  it('approval_status and the approval tables are readable by birth_lane_promoter', async () => {
    const requestId = await propose('proposer', { risk: 'high' });
    await vote('president', requestId);
    const promoter = await as('promoter');
    const { rows } = await promoter.query('select birth_lane.approval_status($1::bigint) as status', [
      requestId,
    ]);
    expect(rows[0].status).toMatchObject({
      id: requestId,
      quorumMet: false,
      missing: ['2 ai_council approval(s)'],
    });
    expect(rows[0].status.votes).toHaveLength(1);
  });
});

describe('using an approval', () => {
  it.each(['nobody', 'attacker', 'producer', 'promoter', 'reader', 'birth', 'president'] as const)(
    'consume_approval is not executable by %s',
    async (who) => {
      const scope = { use: `by-${who}` };
      const requestId = await propose('proposer', { scope });
      await vote('president', requestId);
      await vote('council1', requestId);
      await vote('council2', requestId);
      await refusedWithoutTrace(async () => consume(await as(who), requestId, 'gate_flip', scope), {
        code: SQLSTATE.insufficientPrivilege,
      });
    },
  );

  it('the honest path: a proposer login, a president and two ai_council logins; used once, a second use refused', async () => {
    const scope = { mode: 'block', honest: true };
    const requestId = await propose('proposer', { scope });
    await vote('president', requestId);
    await vote('council1', requestId);
    expect((await status(requestId)).missing).toEqual(['1 ai_council approval(s)']);
    await vote('council2', requestId);
    const met = await status(requestId);
    expect(met).toMatchObject({ quorumMet: true, missing: [], proposer: logins.proposer });
    expect(met.votes.map((v: { voter: string }) => v.voter)).toEqual([
      logins.president,
      logins.council1,
      logins.council2,
    ]);

    await refusedWithoutTrace(async () => consume(t.db.pool, requestId, 'gate_flip', { mode: 'open' }), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_scope_matches',
    });
    await refusedWithoutTrace(async () => consume(t.db.pool, requestId, 'backlog_pass', scope), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_action_matches',
    });
    await consume(t.db.pool, requestId, 'gate_flip', scope);
    await refusedWithoutTrace(async () => consume(t.db.pool, requestId, 'gate_flip', scope), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_single_use',
    });
    const used = await status(requestId);
    expect(used.quorumMet).toBe(false);
    expect(used.missing).toEqual(['a request not used before']);
    await refusedWithoutTrace(async () => vote('council1', requestId, 'reject'), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_request_open',
    });
  });

  it('an expired request takes no votes and approves nothing, even with a full quorum', async () => {
    const scope = { expired: suffix };
    // No function lets anyone back-date a request, so the owner writes one expired yesterday.
    const { rows } = await t.db.pool.query<{ id: string }>(
      `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason, created_at, expires_at)
       values ('gate_flip', $1::jsonb, 'high', $2::text, 'expired', now() - interval '8 days', now() - interval '1 day')
       returning id::text`,
      [JSON.stringify(scope), logins.proposer],
    );
    const requestId = rows[0]!.id;
    await refusedWithoutTrace(async () => vote('president', requestId), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_request_open',
    });
    for (const [voter, role] of [
      [logins.president, 'president'],
      [logins.council1, 'ai_council'],
      [logins.council2, 'ai_council'],
    ]) {
      await t.db.pool.query(
        "insert into birth_lane.approval_votes (request_id, voter, role, decision) values ($1::bigint, $2::text, $3::text, 'approve')",
        [requestId, voter, role],
      );
    }
    expect((await status(requestId)).missing).toEqual(['a request that has not expired']);
    await refusedWithoutTrace(async () => consume(t.db.pool, requestId, 'gate_flip', scope), {
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_not_expired',
    });
  });
});

describe('the owner cannot erase approvals', () => {
  it.each(['approval_requests', 'approval_votes', 'approval_uses'])(
    'TRUNCATE birth_lane.%s is refused',
    async (table) => {
      await propose();
      await refusedWithoutTrace(async () => t.db.pool.query(`truncate birth_lane.${table} cascade`), {
        code: SQLSTATE.appendOnlyViolation,
      });
    },
  );

  it.each(['approval_requests', 'approval_votes'])('DELETE from birth_lane.%s is refused', async (table) => {
    const requestId = await propose();
    await vote('president', requestId);
    await refusedWithoutTrace(async () => t.db.pool.query(`delete from birth_lane.${table}`), {
      code: SQLSTATE.appendOnlyViolation,
    });
  });
});
