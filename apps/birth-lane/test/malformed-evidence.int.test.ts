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

describe('status orders and guards what it reads', () => {
  const report = (runId: string, n: number) => ({
    kind: 'run_report',
    report: {
      runId,
      ruleSetVersion: '1.0.0',
      ruleSetHash: 'a'.repeat(64),
      channel: 'once',
      outcome: 'completed',
      startedAt: '2026-12-01T00:00:00.000Z',
      endedAt: '2026-12-01T00:00:01.000Z',
      scanned: n,
      passed: { pen: 0, stamp: 0, gate: 0 },
      failed: { pen: 0, stamp: 0, gate: 0 },
      skipped: 0,
      ambiguous: 0,
    },
  });

  it('last runs are the newest by id even across a digit boundary (85 < 16086)', async () => {
    // Ids 95..99, then 100..104 after the boundary: as text, "99" sorts above "104".
    const { rows } = await t.db.pool.query<{ id: string }>(
      'select coalesce(max(id), 0)::text as id from birth_lane.evidence',
    );
    const start = 10 ** String(Number(rows[0]!.id) + 10).length - 5;
    await t.db.pool.query("select setval('birth_lane.evidence_id_seq', $1::bigint, false)", [start]);
    const runIds: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      const runId = randomUUID();
      runIds.push(runId);
      await t.db.pool.query(
        'insert into birth_lane.evidence (kind, run_id, payload) values ($1::text, $2::uuid, $3::jsonb)',
        ['run_report', runId, JSON.stringify(report(runId, n))],
      );
    }
    const status = await laneStatus(t.db.pool);
    expect(status.lastRuns.map((run) => run.runId)).toEqual(runIds.slice(5).reverse());
  });

  it('an old row with an infinite born_at is reported, not a crash', async () => {
    // As the superuser: the row as mint_birth wrote it before it refused a non-finite born_at.
    await t.db.pool.query(
      `insert into public.birth_registry (entity_code, collection_name, dot_origin, born_at) values
         ('INF-901', 'species', 'test', '-infinity'), ('INF-902', 'species', 'test', 'infinity')`,
    );
    const status = await laneStatus(t.db.pool);
    expect(status.registry.nonFiniteBornAt).toBe(2);
    expect(formatStatus(status)).toMatch(/2 row\(s\) with an infinite born_at/);
    const cli = await runCli(['status', '--json'], { DATABASE_URL: t.db.connectionString });
    expect(cli.code).toBe(0);
  });
});
