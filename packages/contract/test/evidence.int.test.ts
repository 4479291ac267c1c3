import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { contractSteps } from '../src/contract-steps.js';
import { sqlStateOf } from '../src/errors.js';
import { PostgresEvidenceSink } from '../src/postgres-evidence-sink.js';
import { SQLSTATE } from '../src/sqlstate.js';
import { describeEvidenceSinkConformance } from '../src/testing/index.js';

const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation) });

describeEvidenceSinkConformance('PostgresEvidenceSink', () => new PostgresEvidenceSink(t.db.pool));

describe('the evidence log is append-only in the database', () => {
  async function oneRecord(): Promise<string> {
    const runId = randomUUID();
    await new PostgresEvidenceSink(t.db.pool).append([
      { kind: 'note', topic: 'test.append_only', runId, payload: { n: 1 } },
    ]);
    return runId;
  }

  it('refuses UPDATE', async () => {
    const runId = await oneRecord();
    const error = await t.db.pool
      .query("update birth_lane.evidence set message = 'rewritten' where run_id = $1::uuid", [runId])
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.appendOnlyViolation);
  });

  it('refuses DELETE', async () => {
    const runId = await oneRecord();
    const error = await t.db.pool
      .query('delete from birth_lane.evidence where run_id = $1::uuid', [runId])
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.appendOnlyViolation);
    const { rows } = await t.db.pool.query(
      'select count(*)::int as n from birth_lane.evidence where run_id = $1::uuid',
      [runId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('refuses TRUNCATE', async () => {
    await oneRecord();
    const error = await t.db.pool.query('truncate birth_lane.evidence').catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.appendOnlyViolation);
  });

  it('refuses a failure record without its row, check and rule set', async () => {
    const error = await t.db.pool
      .query("insert into birth_lane.evidence (kind, message) values ('inspection_failure', 'no row')")
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.checkViolation);
  });
});
