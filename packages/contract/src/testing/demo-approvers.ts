import { randomBytes } from 'node:crypto';
import {
  APPROVER_DATABASE_ROLES,
  type ApprovalAction,
  type ApprovalScope,
  MINIMUM_RISK,
  type Risk,
} from '../approval.js';
import { LANE_ROLES } from '../contract-steps.js';
import type { Queryable } from '../ports/queryable.js';
import { quoteIdentifier, quoteLiteral } from '../sql-identifier.js';

/**
 * DEMO ONLY: the four people of a demo approval, for tests and the `start` demo (an embedded or
 * scratch PostgreSQL): a proposer, a president and two ai_council members. They show that an
 * approval takes several people's own logins. There are no standing demo logins: every call below
 * creates its own logins named `birth_lane_demo_<label>_<random>`, with a random password, valid
 * for at most DEMO_LOGIN_LIFETIME_SECONDS, and drops them before it returns. Login roles are
 * cluster-wide, so a login with a known password would let anyone meet quorum in every lane
 * database on that server.
 */
export const DEMO_APPROVERS = [
  { label: 'proposer', role: LANE_ROLES.governance },
  { label: 'president', role: APPROVER_DATABASE_ROLES.president },
  { label: 'council_1', role: APPROVER_DATABASE_ROLES.ai_council },
  { label: 'council_2', role: APPROVER_DATABASE_ROLES.ai_council },
] as const;
export type DemoApprover = (typeof DEMO_APPROVERS)[number];

/** Every demo login's name starts with this, then the label and a random suffix. */
export const DEMO_LOGIN_PREFIX = 'birth_lane_demo_';
/** A demo login expires (VALID UNTIL) this long after it is created, even if a crash left it behind. */
export const DEMO_LOGIN_LIFETIME_SECONDS = 3600;

/** One short-lived demo login: its name, its random password and the role it holds. */
export interface DemoLogin {
  readonly label: DemoApprover['label'];
  readonly login: string;
  readonly password: string;
  readonly role: DemoApprover['role'];
}

/** What the demo helpers need of a connection: a query method and a way to close it. */
export interface DemoSession {
  query: Queryable['query'];
  end(): Promise<void>;
}

export type ConnectAs = (login: string, password: string) => Promise<DemoSession>;

/**
 * Creates one login per approver (on the server `admin` is connected to; needs CREATEROLE and the
 * lane roles installed), runs `work`, and drops the logins in any case. Votes and requests keep
 * the login name as text, so dropping them loses nothing. A drop that fails is reported (thrown),
 * never swallowed: it would leave a login behind.
 */
export async function withDemoLogins<T>(
  admin: Queryable,
  approvers: readonly DemoApprover[],
  work: (logins: readonly DemoLogin[]) => Promise<T>,
): Promise<T> {
  const suffix = randomBytes(3).toString('hex');
  const validUntil = new Date(Date.now() + DEMO_LOGIN_LIFETIME_SECONDS * 1000).toISOString();
  const created: DemoLogin[] = [];
  let result: T;
  try {
    for (const approver of approvers) {
      const login: DemoLogin = {
        label: approver.label,
        login: `${DEMO_LOGIN_PREFIX}${approver.label}_${suffix}`,
        password: randomBytes(24).toString('hex'),
        role: approver.role,
      };
      await admin.query(
        `create role ${quoteIdentifier(login.login)} login password ${quoteLiteral(login.password)} ` +
          `valid until ${quoteLiteral(validUntil)} in role ${quoteIdentifier(login.role)}`,
      );
      created.push(login);
    }
    result = await work(created);
  } catch (error) {
    const dropFailures = await dropDemoLogins(admin, created);
    if (dropFailures.length > 0) throw new AggregateError([error, ...dropFailures], leftBehind(dropFailures));
    throw error;
  }
  const dropFailures = await dropDemoLogins(admin, created);
  if (dropFailures.length > 0) throw new AggregateError(dropFailures, leftBehind(dropFailures));
  return result;
}

/** Drops each login (its memberships first); returns the failures, one per login left behind. */
async function dropDemoLogins(admin: Queryable, logins: readonly DemoLogin[]): Promise<Error[]> {
  const failures: Error[] = [];
  for (const { login, role } of logins) {
    try {
      await admin.query(`revoke ${quoteIdentifier(role)} from ${quoteIdentifier(login)}`);
      await admin.query(`drop role if exists ${quoteIdentifier(login)}`);
    } catch (error) {
      failures.push(
        new Error(`demo login ${login} was not dropped: ${(error as Error).message}`, { cause: error }),
      );
    }
  }
  return failures;
}

const leftBehind = (failures: readonly Error[]) =>
  `demo logins left behind (drop them by hand): ${failures.map((failure) => failure.message).join('; ')}`;

/**
 * Proposes `action` on `scope` as a fresh demo proposer and approves it as a fresh demo president
 * and two demo ai_council members, each through its own login; the logins are dropped before it
 * returns. Returns the id of a request that meets quorum at any risk; it is not yet used (the
 * operation consumes it). Not for promotions: those requests are filed by the certify consumer
 * (use voteWithDemoLogins on them).
 */
export async function approveWithDemoLogins(
  admin: Queryable,
  connectAs: ConnectAs,
  input: { action: ApprovalAction; scope: ApprovalScope; risk?: Risk; reason?: string },
): Promise<string> {
  return withDemoLogins(admin, DEMO_APPROVERS, async ([proposer, ...voters]) => {
    const requestId = await asLogin(connectAs, proposer!, async (session) => {
      const { rows } = await session.query<{ id: string }>(
        'select birth_lane.request_approval($1::text, $2::jsonb, $3::text, $4::text)::text as id',
        [
          input.action,
          JSON.stringify(input.scope),
          input.risk ?? MINIMUM_RISK[input.action],
          input.reason ?? `demo approval of ${input.action}`,
        ],
      );
      return rows[0]!.id;
    });
    await approveAsEach(connectAs, voters, [requestId], 'demo approval');
    return requestId;
  });
}

/**
 * Approves existing requests (e.g. the promotion requests the certify consumer filed) as a fresh
 * demo president and two demo ai_council members, each through its own login, one statement per
 * login; the logins are dropped before it returns.
 */
export async function voteWithDemoLogins(
  admin: Queryable,
  connectAs: ConnectAs,
  requestIds: readonly string[],
  comment = 'demo approval',
): Promise<void> {
  if (requestIds.length === 0) return;
  const voters = DEMO_APPROVERS.filter((approver) => approver.label !== 'proposer');
  await withDemoLogins(admin, voters, (logins) => approveAsEach(connectAs, logins, requestIds, comment));
}

async function approveAsEach(
  connectAs: ConnectAs,
  voters: readonly DemoLogin[],
  requestIds: readonly string[],
  comment: string,
): Promise<void> {
  for (const voter of voters) {
    await asLogin(connectAs, voter, (session) =>
      session.query(
        "select birth_lane.cast_vote(id, 'approve', $2::text) from unnest($1::bigint[]) with ordinality as r(id, n) order by n",
        [requestIds, comment],
      ),
    );
  }
}

async function asLogin<T>(
  connectAs: ConnectAs,
  login: DemoLogin,
  work: (session: DemoSession) => Promise<T>,
): Promise<T> {
  const session = await connectAs(login.login, login.password);
  try {
    return await work(session);
  } finally {
    await session.end();
  }
}
