import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planBacklogPass, readPassStatus, runWorker, startPass, verifyScope } from '../src/index.js';
import {
  activateDefaultRuleSet,
  failureEvidence,
  idRange,
  laneLogins,
  SETUP_SQL,
  seedRows,
  stampedSet,
} from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL });
const logins = laneLogins(() => t.db);

beforeAll(async () => {
  await logins.create();
  await activateDefaultRuleSet(t.db);
});
afterAll(async () => {
  await logins.drop();
});

describe('an approved pass', () => {
  it('plans, starts on the quorum, walks every slice and judges each in-scope row once', async () => {
    await seedRows(t.db, 1200);
    const { first, last } = await idRange(t.db);
    const plan = await planBacklogPass(
      logins.pool('planner'),
      { idFrom: first, idTo: last },
      { chunkIds: 1000 },
    );
    expect(plan.counts.inScope + plan.counts.observed).toBe(1200);
    expect(plan.counts.observed).toBe(Math.floor(1200 / 17));
    expect(plan.counts.ambiguous).toBeGreaterThan(0);
    expect(plan.scope.walkTo).toBe(last);
    expect(plan.throughput).toBeNull();

    await logins.approve(plan.approvalId);
    const worker = logins.pool('worker');
    const runId = await startPass(worker, plan.approvalId, { sliceIds: 300 });
    expect((await verifyScope(worker, runId, { chunkIds: 1000 })).state).toBe('running');
    const outcome = await runWorker(worker, runId, { batchSize: 150 });
    expect(outcome.state).toBe('done');
    expect(outcome.taken).toBe(1200);

    const [status] = await readPassStatus(t.db.pool, { runId });
    expect(status).toMatchObject({ state: 'done', scanned: plan.counts.inScope, taken: 1200 });
    const stamped = await stampedSet(t.db);
    expect(stamped.pen.length).toBeGreaterThan(900);
    // every failure recorded exactly once
    const failures = await failureEvidence(t.db, runId);
    expect(failures.length).toBeGreaterThan(100);
    expect(failures.every((entry) => entry.endsWith(' x1'))).toBe(true);
    const report = await t.db.pool.query(
      "select payload from birth_lane.evidence where kind = 'run_report' and run_id = $1::uuid",
      [runId],
    );
    expect(report.rows[0].payload.report).toMatchObject({ channel: 'backlog', outcome: 'completed' });
  });
});
