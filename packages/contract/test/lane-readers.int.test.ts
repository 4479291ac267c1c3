import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from '../src/cli/cli-error.js';
import { requireLaneReadable } from '../src/cli/require-lane-readable.js';
import { contractSteps } from '../src/contract-steps.js';
import { readFailures } from '../src/reading/failures-on-record.js';
import { readRuns } from '../src/reading/runs-on-record.js';
import { quoteIdentifier } from '../src/sql-identifier.js';
import { readGateSettings } from '../src/status/gate-settings.js';
import { readStandingProducers } from '../src/status/standing-producers.js';
import { runReportFixture } from '../src/testing/run-report-fixture.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

// Readers of the contract's own surfaces (the evidence log, heartbeats, the persisted gate
// settings), on the contract alone. Records are written as the superuser, the only one who still
// can write them directly: a reader must survive what such a hand writes.
const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation) });
const logins: LaneLogin[] = [];
afterAll(() => dropLaneLogins(t.db.pool, logins));

async function insertEvidence(kind: string, payload: unknown, columns: Record<string, string> = {}) {
  const names = Object.keys(columns);
  const { rows } = await t.db.pool.query<{ id: string }>(
    `insert into birth_lane.evidence (kind, payload${names.map((name) => `, ${name}`).join('')})
     values ($1::text, $2::jsonb${names.map((_, i) => `, $${i + 3}`).join('')}) returning id::text`,
    [kind, JSON.stringify(payload), ...Object.values(columns)],
  );
  return rows[0]!.id;
}

describe('readRuns', () => {
  it('lists well-formed run reports newest first and malformed ones apart, by id', async () => {
    const older = runReportFixture();
    const newer = runReportFixture({ runId: randomUUID() });
    await insertEvidence('run_report', { kind: 'run_report', report: older });
    const bad = await insertEvidence('run_report', { kind: 'run_report', report: { runId: 'not-a-uuid' } });
    await insertEvidence('run_report', { kind: 'run_report', report: newer });
    const onRecord = await readRuns(t.db.pool, { limit: 10 });
    expect(onRecord.runs.map((run) => run.runId)).toEqual([newer.runId, older.runId]);
    expect(onRecord.malformed).toEqual([expect.objectContaining({ id: bad, kind: 'run_report' })]);
  });
});

describe('readFailures', () => {
  it('newest first by the bigint id, filtered by check and run, and says when more match', async () => {
    const runId = randomUUID();
    const failure = (row: number, check: string) =>
      insertEvidence(
        'inspection_failure',
        {},
        {
          row_id: String(row),
          check_id: check,
          rule_set_hash: 'f'.repeat(64),
          message: 'm',
          run_id: runId,
          stage: 'pen',
        },
      );
    const ids = [];
    for (let n = 0; n < 12; n += 1) ids.push(await failure(n + 1, `test.check.${n % 2}`));
    const newest = await readFailures(t.db.pool, { limit: 3 });
    expect(newest.failures.map((f) => f.evidenceId)).toEqual(ids.slice(-3).reverse());
    expect(newest.more).toBe(true);
    const oneCheck = await readFailures(t.db.pool, { checkId: 'test.check.0', runId, limit: 100 });
    expect(oneCheck.failures).toHaveLength(6);
    expect(oneCheck.more).toBe(false);
    expect(await readFailures(t.db.pool, { runId: randomUUID(), limit: 5 })).toEqual({
      failures: [],
      more: false,
    });
  });
});

describe('readGateSettings', () => {
  const database = () => t.db.pool.query<{ name: string }>('select current_database() as name');
  async function persist(setting: string, value: string | null) {
    const name = quoteIdentifier((await database()).rows[0]!.name);
    await t.db.pool.query(
      value === null
        ? `alter database ${name} reset ${setting}`
        : `alter database ${name} set ${setting} = '${value}'`,
    );
  }

  it('reads the persisted mode and bypass through the gate schema, and a value it does not know as unset', async () => {
    expect((await readGateSettings(t.db.pool)).reading).toMatchObject({
      mode: null,
      bypass: false,
      layer: 'unset',
    });
    await persist('app.birth_gate_mode', 'block');
    await persist('app.bypass_birth_gate', 'on');
    expect(await readGateSettings(t.db.pool)).toEqual({
      reading: {
        mode: 'block',
        bypass: true,
        layer: 'database',
        caveat: 'a session may override the persisted setting',
      },
      malformed: [],
    });
    await persist('app.birth_gate_mode', 'blockk');
    await persist('app.bypass_birth_gate', 'perhaps');
    const typo = await readGateSettings(t.db.pool);
    expect(typo.reading).toMatchObject({ mode: null, bypass: false, layer: 'unset' });
    expect(typo.malformed.map((bad) => [bad.setting, bad.value])).toEqual([
      ['app.birth_gate_mode', 'blockk'],
      ['app.bypass_birth_gate', 'perhaps'],
    ]);
    await persist('app.birth_gate_mode', null);
    await persist('app.bypass_birth_gate', null);
  });
});

describe('readStandingProducers', () => {
  it('reads heartbeats through the heartbeat schema: a row that does not match is reported, stopped ones are not standing', async () => {
    await t.db.pool.query("select birth_lane.beat('listen-1', 'listen', 'host-a', 42, 'idle')");
    await t.db.pool.query("select birth_lane.beat('http-1', 'http', 'host-b', 43, 'stopped')");
    await t.db.pool.query(
      "insert into birth_lane.producer_heartbeats (instance_id, channel, host, pid, state) values ('pigeon-1', 'carrier-pigeon', 'loft', 1, 'idle')",
    );
    const standing = await readStandingProducers(t.db.pool);
    expect(standing.producers).toEqual([
      expect.objectContaining({
        instanceId: 'listen-1',
        channel: 'listen',
        host: 'host-a',
        pid: 42,
        state: 'idle',
      }),
    ]);
    expect(standing.malformed).toEqual([
      { instanceId: 'pigeon-1', problem: expect.stringContaining('channel') },
    ]);
  });
});

describe('requireLaneReadable', () => {
  it('passes a reader, and names the GRANT for a lane login that may not read the lane', async () => {
    await expect(requireLaneReadable(t.db.pool)).resolves.toBeUndefined();
    // The birth role sees the schema but only two registry columns.
    const outsider = await createLaneLogin(t.db.pool, t.db.connectionString, 'birth_lane_birth');
    logins.push(outsider);
    const error = await requireLaneReadable(outsider.client).catch((caught: unknown) => caught);
    expect(CliError.isInstance(error) && error.kind).toBe('noPermission');
    expect((error as Error).message).toContain(`grant birth_lane_reader to ${outsider.login};`);
  });
});
