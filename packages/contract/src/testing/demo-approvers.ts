import {
  APPROVER_DATABASE_ROLES,
  type ApprovalAction,
  type ApprovalScope,
  MINIMUM_RISK,
  type Risk,
} from '../approval.js';
import { LANE_ROLES } from '../contract-steps.js';
import { sqlStateOf } from '../errors.js';
import type { Queryable } from '../ports/queryable.js';
import { quoteIdentifier, quoteLiteral } from '../sql-identifier.js';

/**
 * DEMO ONLY: four separate database logins with fixed, published passwords, for tests and the
 * `start` demo (an embedded or scratch PostgreSQL). They show that an approval takes several
 * people's own logins. Never create them on a server that holds real data.
 */
export const DEMO_APPROVERS = [
  { login: 'birth_lane_demo_proposer', password: 'demo-proposer-not-secret', role: LANE_ROLES.governance },
  {
    login: 'birth_lane_demo_president',
    password: 'demo-president-not-secret',
    role: APPROVER_DATABASE_ROLES.president,
  },
  {
    login: 'birth_lane_demo_council_1',
    password: 'demo-council-1-not-secret',
    role: APPROVER_DATABASE_ROLES.ai_council,
  },
  {
    login: 'birth_lane_demo_council_2',
    password: 'demo-council-2-not-secret',
    role: APPROVER_DATABASE_ROLES.ai_council,
  },
] as const;

/** What approveWithDemoLogins needs of a connection: a query method and a way to close it. */
export interface DemoSession {
  query: Queryable['query'];
  end(): Promise<void>;
}

// Another process creating or granting the same cluster-wide role at the same moment.
const RACE_SQLSTATES = new Set(['42710', '23505', 'XX000']);

/**
 * Creates the demo logins (if absent) and grants each its role, on the server `admin` is connected
 * to (needs CREATEROLE, and the lane roles installed). Idempotent and safe when several test files
 * or packages run it at once: roles are cluster-wide.
 */
export async function ensureDemoApprovers(admin: Queryable): Promise<void> {
  for (const approver of DEMO_APPROVERS) {
    const login = quoteIdentifier(approver.login);
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`do $$ begin
            if not exists (select 1 from pg_catalog.pg_roles where rolname = ${quoteLiteral(approver.login)}) then
              create role ${login} login password ${quoteLiteral(approver.password)};
            end if;
            if not pg_catalog.pg_has_role(${quoteLiteral(approver.login)}, ${quoteLiteral(approver.role)}, 'MEMBER') then
              grant ${quoteIdentifier(approver.role)} to ${login};
            end if;
          end $$`);
        break;
      } catch (error) {
        const state = sqlStateOf(error);
        if (state === undefined || !RACE_SQLSTATES.has(state) || attempt >= 5) throw error;
      }
    }
  }
}

/**
 * Proposes `action` on `scope` as the demo proposer and approves it as the demo president and both
 * demo ai_council members, each through its own login. Returns the id of a request that meets
 * quorum at any risk; it is not yet used (the operation consumes it).
 */
export async function approveWithDemoLogins(
  admin: Queryable,
  connectAs: (login: string, password: string) => Promise<DemoSession>,
  input: { action: ApprovalAction; scope: ApprovalScope; risk?: Risk; reason?: string },
): Promise<string> {
  await ensureDemoApprovers(admin);
  const [proposer, ...voters] = DEMO_APPROVERS;
  const requestId = await asLogin(connectAs, proposer, async (session) => {
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
  for (const voter of voters) {
    await asLogin(connectAs, voter, (session) =>
      session.query("select birth_lane.cast_vote($1::bigint, 'approve', 'demo approval')", [requestId]),
    );
  }
  return requestId;
}

async function asLogin<T>(
  connectAs: (login: string, password: string) => Promise<DemoSession>,
  approver: (typeof DEMO_APPROVERS)[number],
  work: (session: DemoSession) => Promise<T>,
): Promise<T> {
  const session = await connectAs(approver.login, approver.password);
  try {
    return await work(session);
  } finally {
    await session.end();
  }
}
