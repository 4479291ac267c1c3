import { type Database, LANE_SESSION_OPTIONS } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { type ActivatedRuleSet, activateRuleSet, loadRuleSet } from '@birth-lane/inspect-producer';
import pg from 'pg';

/**
 * DEMO ONLY (`start` on the embedded PostgreSQL, and tests): activates a stored rule set the
 * governed way, with an approval given by clearly labelled demo logins — a proposer, a president
 * and two ai_council members, each connecting as itself. The logins are made for this call only
 * (random names and passwords, valid for an hour) and dropped before it returns. Never run it
 * against a server that holds real data: it approves the activation without asking anyone.
 */
export async function activateWithDemoApprovals(
  db: Database,
  url: string,
  version: string,
): Promise<ActivatedRuleSet & { approvalId: string }> {
  const stored = await loadRuleSet(db, version);
  if (stored === null || !stored.ok) {
    throw new Error(
      `rule set ${version} is not stored intact: ${stored?.ok === false ? stored.reason : 'absent'}`,
    );
  }
  const approvalId = await approveWithDemoLogins(db, (login, password) => connectAs(url, login, password), {
    action: 'rule_set_activation',
    scope: { version, hash: stored.hash },
    reason: `demo: activate rule set ${version}`,
  });
  return { ...(await activateRuleSet(db, version, { approvalId })), approvalId };
}

/** A pg client logged in as `login` on the server `url` points at (the demo logins use passwords). */
export async function connectAs(url: string, login: string, password: string): Promise<pg.Client> {
  const target = new URL(url);
  target.username = encodeURIComponent(login);
  target.password = encodeURIComponent(password);
  const client = new pg.Client({ connectionString: target.toString(), options: LANE_SESSION_OPTIONS });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
