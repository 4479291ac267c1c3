import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { formatStatus } from '../src/status/format-status.js';
import { laneStatus } from '../src/status/lane-status.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'malformed-evidence' });

describe('status survives malformed evidence', () => {
  it('reports malformed run reports (count and ids) and shows the well-formed ones', async () => {
    const runId = randomUUID();
    const report = {
      runId,
      ruleSetVersion: '1.0.0',
      ruleSetHash: 'a'.repeat(64),
      channel: 'once',
      outcome: 'completed',
      startedAt: '2026-12-01T00:00:00.000Z',
      endedAt: '2026-12-01T00:00:01.000Z',
      scanned: 0,
      passed: { pen: 0, stamp: 0, gate: 0 },
      failed: { pen: 0, stamp: 0, gate: 0 },
      skipped: 0,
      ambiguous: 0,
    };
    // As the superuser, the only one who still can write the log directly: one good report, then
    // a report missing its counts, one that is not JSON of a report at all, one of another kind.
    await t.db.pool.query(
      'insert into birth_lane.evidence (kind, run_id, payload) values ($1::text, $2::uuid, $3::jsonb)',
      ['run_report', runId, JSON.stringify({ kind: 'run_report', report })],
    );
    const { rows } = await t.db.pool.query<{ id: string }>(
      `insert into birth_lane.evidence (kind, payload) values
         ('run_report', '{"kind":"run_report","report":{"runId":"not-a-uuid"}}'),
         ('run_report', '[1, 2, 3]'),
         ('run_report', '{"kind":"note","topic":"x","payload":{}}')
       returning id::text`,
    );
    const status = await laneStatus(t.db.pool);
    expect(status.lastRuns).toHaveLength(1);
    expect(status.lastRuns[0]).toMatchObject({ runId, outcome: 'completed' });
    expect(status.malformedEvidence.map((entry) => entry.id).sort()).toEqual(
      rows.map((row) => row.id).sort(),
    );
    expect(formatStatus(status)).toMatch(/evidence {6}3 malformed evidence record\(s\) skipped: ids/);

    const cli = await runCli(['status', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).malformedEvidence).toHaveLength(3);
  });
});
