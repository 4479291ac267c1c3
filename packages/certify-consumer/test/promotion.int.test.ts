import { randomBytes } from 'node:crypto';
import {
  APPROVER_DATABASE_ROLES,
  ApprovalError,
  BirthLaneError,
  evidenceRecordSchema,
  LANE_ROLES,
  PostgresEvidenceSink,
  SQLSTATE,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listCanonicalCollections,
  PROMOTION_PROPOSER,
  promote,
  promotionScope,
  setCanonicalCollections,
} from '../src/index.js';
import { approverLogins } from './approvers.js';
import { asRole, mint, refusal, SETUP_SQL, stampInOrder, stateOf } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL, name: 'certify-promotion' });
const KERNEL = 'kernel_entities';

const approvers = approverLogins(() => t.db);

beforeAll(async () => {
  await approvers.create();
  await setCanonicalCollections(t.db.pool, [KERNEL], { note: 'kernel entities need an approved promotion' });
});

/** A canonical row with its three stamps complete, and the promotion request the consumer raised for it. */
async function stampedCanonicalRow(): Promise<{ id: string; entityCode: string; requestId: string }> {
  const row = await mint(t.db.pool, { collection: KERNEL });
  await stampInOrder(t.db.pool, row.id);
  const requests = await requestsFor(row.id);
  expect(requests).toHaveLength(1);
  return { ...row, requestId: requests[0]!.id };
}

async function requestsFor(rowId: string) {
  const { rows } = await t.db.pool.query<{
    id: string;
    action: string;
    scope: unknown;
    risk: string;
    proposer: string;
  }>(
    // Ordered by the bigint column, not the text output column of the same name.
    'select id::text, action, scope, risk, proposer from birth_lane.approval_requests request where scope = $1::jsonb order by request.id',
    [JSON.stringify({ rowId })],
  );
  return rows;
}

async function promotionEvidenceFor(rowId: string) {
  const sink = new PostgresEvidenceSink(t.db.pool);
  return (await sink.list({ kind: 'promotion_requested' })).filter(
    (stored) => stored.record.kind === 'promotion_requested' && stored.record.rowId === rowId,
  );
}

afterAll(() => approvers.drop());

/** Resolves once the session `pid` is waiting on a lock (so the interleaving is the one intended). */
async function waitUntilBlocked(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await t.db.pool.query<{ waiting: boolean }>(
      "select coalesce((select wait_event_type = 'Lock' from pg_stat_activity where pid = $1::int), false) as waiting",
      [pid],
    );
    if (rows[0]?.waiting) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`session ${pid} never waited on the row lock`);
}

/**
 * A promotion request written by the table owner (no function lets anyone else choose a proposer or
 * a time): as the certify consumer, or under another name, optionally expired or already used.
 */
async function ownerWrittenRequest(
  rowId: string,
  options: { proposer?: string; expired?: boolean; used?: boolean } = {},
): Promise<string> {
  const { rows } = await t.db.pool.query<{ id: string }>(
    `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason, created_at, expires_at)
     select 'promotion', $1::jsonb, 'high', $2::text, 'written by the owner', at, at + interval '7 days'
       from (select now() - case when $3::boolean then interval '8 days' else interval '0' end as at) base
     returning id::text`,
    [JSON.stringify(promotionScope(rowId)), options.proposer ?? PROMOTION_PROPOSER, options.expired ?? false],
  );
  const id = rows[0]!.id;
  if (options.used) {
    await t.db.pool.query(
      "insert into birth_lane.approval_uses (request_id, action, scope) values ($1::bigint, 'promotion', $2::jsonb)",
      [id, JSON.stringify(promotionScope(rowId))],
    );
  }
  return id;
}

async function approveFully(requestId: string): Promise<void> {
  await approvers.vote(requestId, 'president');
  await approvers.vote(requestId, 'council1');
  await approvers.vote(requestId, 'council2');
}

describe('a canonical row with complete stamps', () => {
  it('is not certified; exactly one high-risk promotion request and one promotion_requested record appear', async () => {
    const row = await mint(t.db.pool, { collection: KERNEL });
    await stampInOrder(t.db.pool, row.id);
    expect(await stateOf(t.db.pool, row.id)).toMatchObject({ certified: false, certified_at: null });

    const requests = await requestsFor(row.id);
    expect(requests).toEqual([
      {
        id: expect.any(String),
        action: 'promotion',
        scope: { rowId: row.id },
        risk: 'high',
        proposer: PROMOTION_PROPOSER,
      },
    ]);
    const evidence = await promotionEvidenceFor(row.id);
    expect(evidence.map((stored) => stored.record)).toEqual([
      {
        kind: 'promotion_requested',
        rowId: row.id,
        entityCode: row.entityCode,
        approvalRequestId: requests[0]!.id,
      },
    ]);
    // The raw payload is exactly a contract evidence record, not just something the sink can read.
    const { rows } = await t.db.pool.query<{ payload: unknown; row_id: string; entity_code: string }>(
      "select payload, row_id::text, entity_code from birth_lane.evidence where kind = 'promotion_requested' and row_id = $1::bigint",
      [row.id],
    );
    expect(evidenceRecordSchema.parse(rows[0]?.payload)).toEqual(rows[0]?.payload);
    expect(rows[0]).toMatchObject({ row_id: row.id, entity_code: row.entityCode });
  });

  it('further updates (a stamp re-set, a metadata edit) raise no second request or record', async () => {
    const row = await stampedCanonicalRow();
    await t.db.pool.query(
      'update public.birth_registry set inspect_gate = inspect_gate where id = $1::bigint',
      [row.id],
    );
    await t.db.pool.query("update public.birth_registry set description = 'again' where id = $1::bigint", [
      row.id,
    ]);
    await t.db.pool.query(
      'update public.birth_registry set inspect_gate = clock_timestamp() where id = $1::bigint',
      [row.id],
    );
    expect(await requestsFor(row.id)).toHaveLength(1);
    expect(await promotionEvidenceFor(row.id)).toHaveLength(1);
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
  });

  it('raises nothing while its stamps are partial or out of order, nor for an observed row', async () => {
    const partial = await mint(t.db.pool, { collection: KERNEL });
    await t.db.pool.query(
      'update public.birth_registry set inspect_pen = now(), inspect_stamp = now() where id = $1::bigint',
      [partial.id],
    );
    const ambiguous = await mint(t.db.pool, { collection: KERNEL });
    await t.db.pool.query('update public.birth_registry set inspect_gate = now() where id = $1::bigint', [
      ambiguous.id,
    ]);
    const observed = await mint(t.db.pool, { collection: KERNEL, governanceRole: 'observed' });
    await stampInOrder(t.db.pool, observed.id);
    for (const row of [partial, ambiguous, observed]) {
      expect(await requestsFor(row.id)).toHaveLength(0);
      expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
    }
  });

  it('is raised once even when a second session updates the row while the first has not committed', async () => {
    const row = await mint(t.db.pool, { collection: KERNEL });
    const first = await t.db.connect();
    const second = await t.db.connect();
    const secondPid = (await second.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    try {
      await first.query('begin');
      await first.query(
        'update public.birth_registry set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now() where id = $1::bigint',
        [row.id],
      );
      // The second UPDATE waits on the row lock, then its trigger sees the first one's request.
      const waiting = second.query(
        "update public.birth_registry set description = 'concurrent' where id = $1::bigint",
        [row.id],
      );
      await waitUntilBlocked(secondPid);
      await first.query('commit');
      await waiting;
    } finally {
      await first.end();
      await second.end();
    }
    expect(await requestsFor(row.id)).toHaveLength(1);
    expect(await promotionEvidenceFor(row.id)).toHaveLength(1);
  });

  // The producer stamps only through birth_lane.inspect_batch (inspect-producer), so here the
  // owner completes the stamps; what matters is that the producer cannot file a request itself.
  it('is raised by the stamping update; the producer role itself may not write approvals or stamps', async () => {
    const row = await mint(t.db.pool, { collection: KERNEL });
    await asRole(
      () => t.db.connect(),
      LANE_ROLES.producer,
      async (client) => {
        const direct = await refusal(
          client.query(
            "insert into birth_lane.approval_requests (action, scope, risk, proposer, reason) values ('promotion', '{\"rowId\":\"1\"}', 'high', 'x', 'y')",
          ),
        );
        expect(direct.code).toBe(SQLSTATE.insufficientPrivilege);
        const stamp = await refusal(stampInOrder(client, row.id));
        expect(stamp.code).toBe(SQLSTATE.insufficientPrivilege);
      },
    );
    expect(await requestsFor(row.id)).toHaveLength(0);
    await stampInOrder(t.db.pool, row.id);
    expect(await requestsFor(row.id)).toHaveLength(1);
  });
});

describe('a promotion request filed ahead of time, lapsed or used does not stand in for the real one', () => {
  it('a request filed under another name, even fully approved, neither stops the consumer’s request nor promotes', async () => {
    const row = await mint(t.db.pool, { collection: KERNEL });
    // Before the fix, governance could file this through request_approval before the row had content.
    const early = await ownerWrittenRequest(row.id, { proposer: approvers.people.ops.login });
    await approveFully(early);
    await stampInOrder(t.db.pool, row.id);
    const requests = await requestsFor(row.id);
    expect(requests.map((request) => request.proposer)).toEqual([
      approvers.people.ops.login,
      PROMOTION_PROPOSER,
    ]);
    const error = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: early }));
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect((error as ApprovalError).code).toBe('APPROVAL_REQUIRED');
    expect((error as Error & { cause?: { constraint?: string } }).cause?.constraint).toBe(
      'promotion_request_filed_by_lane',
    );
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
    const filed = requests[1]!.id;
    await approveFully(filed);
    await promote(t.db.pool, { rowId: row.id, approvalRequestId: filed });
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(true);
  });

  it.each([
    ['an expired request of the consumer', { expired: true }],
    ['a used request of the consumer', { used: true }],
  ] as const)('%s does not stop a fresh one when the stamps complete', async (_what, options) => {
    const row = await mint(t.db.pool, { collection: KERNEL });
    const stale = await ownerWrittenRequest(row.id, options);
    await stampInOrder(t.db.pool, row.id);
    const requests = await requestsFor(row.id);
    expect(requests.map((request) => request.id)).toHaveLength(2);
    expect(requests[0]!.id).toBe(stale);
    expect(requests[1]!.proposer).toBe(PROMOTION_PROPOSER);
    expect((await promotionEvidenceFor(row.id)).map((stored) => stored.record)).toEqual([
      expect.objectContaining({ approvalRequestId: requests[1]!.id }),
    ]);
  });
});

describe('refile_promotion_requests', () => {
  /** A canonical row with complete stamps and no open request: the trigger did not run (replica mode). */
  async function readyRowWithoutRequest(
    options: { collection?: string; stamps?: 'complete' | 'partial' } = {},
  ) {
    const row = await mint(t.db.pool, { collection: options.collection ?? KERNEL });
    const client = await t.db.connect();
    try {
      await client.query("set session_replication_role = 'replica'");
      await client.query(
        options.stamps === 'partial'
          ? 'update public.birth_registry set inspect_pen = now() where id = $1::bigint'
          : "update public.birth_registry set inspect_pen = now() - interval '2 s', inspect_stamp = now() - interval '1 s', inspect_gate = now() where id = $1::bigint",
        [row.id],
      );
    } finally {
      await client.end();
    }
    expect(await requestsFor(row.id)).toHaveLength(0);
    return row;
  }
  const refile = async (limit = 1000) =>
    (
      await (
        await approvers.session(approvers.people.ops.login)
      ).query<{ filed: number }>('select birth_lane.refile_promotion_requests($1::integer) as filed', [limit])
    ).rows[0]!.filed;

  it('files one request per ready canonical row without an open one, as the consumer; then nothing more', async () => {
    const lapsed = await readyRowWithoutRequest();
    await ownerWrittenRequest(lapsed.id, { expired: true });
    const never = await readyRowWithoutRequest();
    const partial = await readyRowWithoutRequest({ stamps: 'partial' });
    const plain = await readyRowWithoutRequest({ collection: 'plain_refile' });
    const open = await stampedCanonicalRow();
    // Rows from earlier tests may be ready too: refile them all first, then look at these.
    await refile();
    expect(await refile()).toBe(0);
    for (const row of [lapsed, never]) {
      const requests = (await requestsFor(row.id)).filter(
        (request) => request.proposer === PROMOTION_PROPOSER,
      );
      expect(requests.at(-1)).toMatchObject({ action: 'promotion', risk: 'high', scope: { rowId: row.id } });
      expect(await promotionEvidenceFor(row.id)).toHaveLength(1);
    }
    expect(await requestsFor(partial.id)).toHaveLength(0);
    expect(await requestsFor(plain.id)).toHaveLength(0);
    expect(await requestsFor(open.id)).toHaveLength(1);
    // The re-filed request promotes like the trigger's own.
    const refiled = (await requestsFor(never.id))[0]!.id;
    await approveFully(refiled);
    await promote(t.db.pool, { rowId: never.id, approvalRequestId: refiled });
    expect((await stateOf(t.db.pool, never.id)).certified).toBe(true);
  });

  it('files at most the limit; the limit must be 1 to 100000', async () => {
    await refile();
    await readyRowWithoutRequest();
    await readyRowWithoutRequest();
    expect(await refile(1)).toBe(1);
    expect(await refile(1)).toBe(1);
    expect(await refile(1)).toBe(0);
    const error = await refusal(refile(0));
    expect(error).toMatchObject({ code: SQLSTATE.laneViolation, constraint: 'refile_promotion_limit' });
  });

  it.each([LANE_ROLES.producer, LANE_ROLES.birth, LANE_ROLES.promoter, LANE_ROLES.reader])(
    'role %s may not call it',
    async (role) => {
      const error = await asRole(
        () => t.db.connect(),
        role,
        (client) => refusal(client.query('select birth_lane.refile_promotion_requests()')),
      );
      expect(error.code).toBe(SQLSTATE.insufficientPrivilege);
    },
  );
});

describe('promote', () => {
  it('refuses a self-approval: a look-alike login of the proposer cannot vote, and quorum stays unmet', async () => {
    const row = await stampedCanonicalRow();
    // The consumer's proposer name, upper-cased and with a zero-width space: the same identity key.
    // Unique to this run (roles are cluster-wide): a random suffix in variation selectors, which the
    // identity key removes like the zero-width space.
    const invisibleSuffix = [...randomBytes(4).toString('hex')]
      .map((digit) => String.fromCodePoint(0xfe00 + Number.parseInt(digit, 16)))
      .join('');
    const lookAlike = `${PROMOTION_PROPOSER.toUpperCase()}\u200b${invisibleSuffix}`;
    await approvers.createNamed(lookAlike, APPROVER_DATABASE_ROLES.president);
    const selfVote = await refusal(approvers.vote(row.requestId, lookAlike));
    expect(selfVote).toMatchObject({
      code: SQLSTATE.approvalViolation,
      constraint: 'approval_proposer_vote',
    });
    await approvers.vote(row.requestId, 'council1');
    await approvers.vote(row.requestId, 'council2');
    const error = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: row.requestId }));
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect((error as ApprovalError).code).toBe('QUORUM_NOT_MET');
    expect(error.message).toContain(`approval request ${row.requestId} has not met quorum`);
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
  });

  it('refuses a missing vote (president + one ai_council)', async () => {
    const row = await stampedCanonicalRow();
    await approvers.vote(row.requestId, 'president');
    await approvers.vote(row.requestId, 'council1');
    const error = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: row.requestId }));
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect((error as ApprovalError).code).toBe('QUORUM_NOT_MET');
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
  });

  it('refuses when any voter rejects', async () => {
    const row = await stampedCanonicalRow();
    await approveFully(row.requestId);
    await approvers.vote(row.requestId, 'approver', 'reject');
    const error = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: row.requestId }));
    expect((error as ApprovalError).code).toBe('QUORUM_NOT_MET');
  });

  it("refuses a fully approved request for a different row's promotion", async () => {
    const row = await stampedCanonicalRow();
    const other = await stampedCanonicalRow();
    await approveFully(other.requestId);
    const error = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: other.requestId }));
    expect(ApprovalError.isInstance(error)).toBe(true);
    expect((error as ApprovalError).code).toBe('APPROVAL_REQUIRED');
    expect(error.message).toContain(`not {"rowId": "${row.id}"}`);
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
    expect((await stateOf(t.db.pool, other.id)).certified).toBe(false);
  });

  it('refuses an approval for another action, a lower-risk promotion request, and an unknown request', async () => {
    const row = await stampedCanonicalRow();
    const wrongAction = {
      id: await approvers.propose({ action: 'gate_flip', scope: promotionScope(row.id), risk: 'high' }),
    };
    await approveFully(wrongAction.id);
    // request_approval refuses a promotion below high risk, so this one is written as the table owner.
    const lowRisk = (
      await t.db.pool.query<{ id: string }>(
        `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason)
         values ('promotion', $1::jsonb, 'low', 'ops', 'r') returning id::text`,
        [JSON.stringify(promotionScope(row.id))],
      )
    ).rows[0]!;
    await approvers.vote(lowRisk.id, 'approver');
    for (const requestId of [wrongAction.id, lowRisk.id, '999999']) {
      const error = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: requestId }));
      expect(ApprovalError.isInstance(error)).toBe(true);
      expect((error as ApprovalError).code).toBe('APPROVAL_REQUIRED');
    }
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
  });

  it('with president + two ai_council approvals certifies the row and records the promotion', async () => {
    const row = await stampedCanonicalRow();
    await approveFully(row.requestId);
    await promote(t.db.pool, { rowId: row.id, approvalRequestId: row.requestId });
    const state = await stateOf(t.db.pool, row.id);
    expect(state.certified).toBe(true);
    expect(state.certified_at).toBeInstanceOf(Date);
    const notes = (await new PostgresEvidenceSink(t.db.pool).list({ kind: 'note' })).map(
      (stored) => stored.record,
    );
    expect(notes).toContainEqual({
      kind: 'note',
      topic: 'certify.promoted',
      payload: { rowId: row.id, entityCode: row.entityCode, approvalRequestId: row.requestId },
    });
    // The pass it used is gone, and the certification now holds like any other.
    const { rows } = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from birth_lane.promotion_in_progress',
    );
    expect(rows[0]?.n).toBe(0);
    const clear = await refusal(
      t.db.pool.query('update public.birth_registry set certified = false where id = $1::bigint', [row.id]),
    );
    expect(clear.code).toBe(SQLSTATE.laneViolation);
    // A second promotion of the same row is refused, not silently repeated.
    const again = await refusal(promote(t.db.pool, { rowId: row.id, approvalRequestId: row.requestId }));
    expect((again as BirthLaneError).code).toBe('CONTRACT_VIOLATION');
    expect(again.message).toMatch(/already certified/);
    // The approval itself was consumed: using it again is refused whatever the row's state.
    const reuse = await refusal(
      t.db.pool.query("select birth_lane.consume_approval($1::bigint, 'promotion', $2::jsonb)", [
        row.requestId,
        JSON.stringify(promotionScope(row.id)),
      ]),
    );
    expect(reuse).toMatchObject({ code: SQLSTATE.approvalViolation, constraint: 'approval_single_use' });
  });

  it('leaves no pass behind inside its own transaction: the same session cannot then rewrite the pair', async () => {
    const row = await stampedCanonicalRow();
    const plain = await mint(t.db.pool);
    await approveFully(row.requestId);
    const client = await t.db.connect();
    try {
      await client.query('begin');
      await promote(client, { rowId: row.id, approvalRequestId: row.requestId });
      const onPromoted = await refusal(
        client.query(
          "update public.birth_registry set certified_at = now() - interval '1 day' where id = $1::bigint",
          [row.id],
        ),
      );
      expect(onPromoted.code).toBe(SQLSTATE.laneViolation);
      await client.query('rollback');
      await client.query('begin');
      await promote(client, { rowId: row.id, approvalRequestId: row.requestId });
      const onOther = await refusal(
        client.query('update public.birth_registry set certified = true where id = $1::bigint', [plain.id]),
      );
      expect(onOther.code).toBe(SQLSTATE.laneViolation);
      await client.query('rollback');
    } finally {
      await client.end();
    }
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
  });

  it('refuses rows a promotion may not certify (CONTRACT_VIOLATION): incomplete, not canonical, missing', async () => {
    const incomplete = await mint(t.db.pool, { collection: KERNEL });
    await t.db.pool.query('update public.birth_registry set inspect_pen = now() where id = $1::bigint', [
      incomplete.id,
    ]);
    const plain = await mint(t.db.pool);
    const cases: [string, RegExp][] = [
      [incomplete.id, /PEN, STAMP and GATE present and in order/],
      [plain.id, /not canonical/],
      ['987654321', /no registry row/],
    ];
    for (const [rowId, reason] of cases) {
      // No person can file a promotion request; the owner writes the one the consumer would have.
      const request = { id: await ownerWrittenRequest(rowId) };
      await approveFully(request.id);
      const error = await refusal(promote(t.db.pool, { rowId, approvalRequestId: request.id }));
      expect(BirthLaneError.isInstance(error) && !ApprovalError.isInstance(error)).toBe(true);
      expect((error as BirthLaneError).code).toBe('CONTRACT_VIOLATION');
      expect(error.message).toMatch(reason);
    }
    expect((await stateOf(t.db.pool, incomplete.id)).certified).toBe(false);
    expect((await stateOf(t.db.pool, plain.id)).certified).toBe(false);
  });

  it('role birth_lane_promoter can call promote but cannot update certified directly', async () => {
    const row = await stampedCanonicalRow();
    const plain = await mint(t.db.pool);
    await approveFully(row.requestId);
    await asRole(
      () => t.db.connect(),
      LANE_ROLES.promoter,
      async (client) => {
        const direct = await refusal(
          client.query('update public.birth_registry set certified = true where id = $1::bigint', [plain.id]),
        );
        expect(direct.code).toBe(SQLSTATE.insufficientPrivilege);
        await promote(client, { rowId: row.id, approvalRequestId: row.requestId });
      },
    );
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(true);
    expect((await stateOf(t.db.pool, plain.id)).certified).toBe(false);
  });

  it.each([LANE_ROLES.producer, LANE_ROLES.birth, LANE_ROLES.governance, LANE_ROLES.reader])(
    'role %s may not call promote (FORBIDDEN_ACTION)',
    async (role) => {
      const row = await stampedCanonicalRow();
      await approveFully(row.requestId);
      const error = await asRole(
        () => t.db.connect(),
        role,
        (client) => refusal(promote(client, { rowId: row.id, approvalRequestId: row.requestId })),
      );
      expect((error as BirthLaneError).code).toBe('FORBIDDEN_ACTION');
      expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
    },
  );
});

describe('canonical collections are configuration', () => {
  it('set replaces the whole list in one statement and reports what changed', async () => {
    expect(await setCanonicalCollections(t.db.pool, [KERNEL, 'core', 'core'])).toEqual({
      added: ['core'],
      removed: [],
    });
    expect((await listCanonicalCollections(t.db.pool)).map((c) => c.collectionName)).toEqual([
      'core',
      KERNEL,
    ]);
    expect(await setCanonicalCollections(t.db.pool, [KERNEL])).toEqual({ added: [], removed: ['core'] });
    const [kernel] = await listCanonicalCollections(t.db.pool);
    expect(kernel).toMatchObject({
      collectionName: KERNEL,
      note: 'kernel entities need an approved promotion',
    });
    expect(kernel?.addedAt).toBeInstanceOf(Date);
  });

  it('a collection added later holds back its rows from then on', async () => {
    const row = await mint(t.db.pool, { collection: 'late_core' });
    await t.db.pool.query('update public.birth_registry set inspect_pen = now() where id = $1::bigint', [
      row.id,
    ]);
    await setCanonicalCollections(t.db.pool, [KERNEL, 'late_core']);
    try {
      await t.db.pool.query(
        'update public.birth_registry set inspect_stamp = now(), inspect_gate = now() where id = $1::bigint',
        [row.id],
      );
      expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
      expect(await requestsFor(row.id)).toHaveLength(1);
    } finally {
      await setCanonicalCollections(t.db.pool, [KERNEL]);
    }
  });

  it('a collection removed from the list certifies its completed rows again', async () => {
    await setCanonicalCollections(t.db.pool, [KERNEL, 'retired_core']);
    await setCanonicalCollections(t.db.pool, [KERNEL]);
    const row = await mint(t.db.pool, { collection: 'retired_core' });
    await stampInOrder(t.db.pool, row.id);
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(true);
  });

  it('no lane role can swap the compiled list the certify trigger reads', async () => {
    for (const role of [LANE_ROLES.producer, LANE_ROLES.promoter, LANE_ROLES.governance]) {
      const error = await asRole(
        () => t.db.connect(),
        role,
        (client) =>
          refusal(
            client.query(
              "create or replace function birth_lane.canonical_collection_list() returns text[] language sql stable as $$ select '{}'::text[] $$",
            ),
          ),
      );
      expect(error.code).toBe(SQLSTATE.insufficientPrivilege);
    }
  });

  it('the reader can list them; the governance role cannot change them', async () => {
    await asRole(
      () => t.db.connect(),
      LANE_ROLES.reader,
      async (client) => {
        expect((await listCanonicalCollections(client)).map((c) => c.collectionName)).toEqual([KERNEL]);
      },
    );
    const error = await asRole(
      () => t.db.connect(),
      LANE_ROLES.governance,
      (client) => refusal(setCanonicalCollections(client, [])),
    );
    expect(error.code).toBe(SQLSTATE.insufficientPrivilege);
    expect((await listCanonicalCollections(t.db.pool)).map((c) => c.collectionName)).toEqual([KERNEL]);
  });
});
