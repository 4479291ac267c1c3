import { type Database, LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { DEMO_APPROVERS, withDemoLogins } from '@birth-lane/contract/demo-approvers';
import type { PlannedStep } from '@birth-lane/install-plan';
import pg from 'pg';

/**
 * DEMO ONLY (`start` on the embedded PostgreSQL): one install_step approval per step, filed by a
 * fresh demo proposer and approved by a fresh demo president and two demo ai_council logins, each
 * connecting as itself (the logins are dropped before this returns). Never on a real database:
 * it approves without asking anyone. Returns step id → approval id.
 */
export async function approveStepsWithDemoLogins(
  db: Database,
  url: string,
  steps: readonly PlannedStep[],
): Promise<Map<string, string>> {
  const approvals = new Map<string, string>();
  if (steps.length === 0) return approvals;
  await withDemoLogins(db, DEMO_APPROVERS, async ([proposer, ...voters]) => {
    const asLogin = async (
      login: { login: string; password: string },
      work: (client: pg.Client) => Promise<void>,
    ) => {
      const target = new URL(url);
      target.username = encodeURIComponent(login.login);
      target.password = encodeURIComponent(login.password);
      const client = new pg.Client({ connectionString: target.toString(), options: LANE_SESSION_OPTIONS });
      client.on('error', () => undefined);
      await client.connect();
      try {
        await work(client);
      } finally {
        await client.end();
      }
    };
    await asLogin(proposer!, async (client) => {
      for (const step of steps) {
        const { rows } = await client.query<{ id: string }>(
          "select birth_lane.request_approval('install_step', $1::jsonb, $2::text, $3::text)::text as id",
          [
            JSON.stringify(step.approval!.scope),
            step.risk === 'high' ? 'high' : 'medium',
            `demo: install ${step.id}`,
          ],
        );
        approvals.set(step.id, rows[0]!.id);
      }
    });
    for (const voter of voters) {
      await asLogin(voter, (client) =>
        client
          .query(
            "select birth_lane.cast_vote(id, 'approve', 'demo approval of an install step') from unnest($1::bigint[]) with ordinality as r(id, n) order by n",
            [[...approvals.values()]],
          )
          .then(() => undefined),
      );
    }
  });
  return approvals;
}
