import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractSteps, LANE_ROLES } from '../src/contract-steps.js';
import { PostgresApprovalGate } from '../src/postgres-approval-gate.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation), name: 'gate-id-order' });

describe('PostgresApprovalGate.check orders requests by the bigint id (review M5)', () => {
  let governance: LaneLogin;
  beforeAll(async () => {
    governance = await createLaneLogin(t.db.pool, t.db.connectionString, LANE_ROLES.governance);
  });
  afterAll(async () => {
    await dropLaneLogins(t.db.pool, [governance]);
  });

  it('answers with the newest request across a digit boundary (10 after 9)', async () => {
    const { rows } = await t.db.pool.query<{ id: string }>(
      'select coalesce(max(id), 0)::text as id from birth_lane.approval_requests',
    );
    const start = 10 ** String(Number(rows[0]!.id) + 3).length - 1; // 9, 99, ...: the next ids cross it
    await t.db.pool.query(
      "select setval(pg_get_serial_sequence('birth_lane.approval_requests', 'id'), $1::bigint, false)",
      [start],
    );
    const scope = { version: '9.9.9', hash: 'b'.repeat(64) };
    const gate = new PostgresApprovalGate(governance.client);
    const ids: string[] = [];
    for (let n = 0; n < 3; n += 1) {
      const request = await gate.propose({
        action: 'rule_set_activation',
        scope,
        risk: 'high',
        reason: `try ${n}`,
      });
      ids.push(request.id);
    }
    expect(ids[0]).toBe(String(start));
    const decision = await gate.check('rule_set_activation', scope);
    expect(decision.request?.id).toBe(ids[2]);
  });
});
