import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVER_DATABASE_ROLES } from '../src/approval.js';
import { contractSteps, LANE_ROLES } from '../src/contract-steps.js';
import { sqlStateOf } from '../src/errors.js';
import { PostgresEvidenceSink } from '../src/postgres-evidence-sink.js';
import { SQLSTATE } from '../src/sqlstate.js';
import { describeEvidenceSinkConformance, forgedEvidenceOfEachKind } from '../src/testing/index.js';
import { createLaneLogin, dropLaneLogins, type LaneLogin } from './lane-login.js';

// The contract alone has no runs; a stand-in for the producer's run table (inspect-producer
// sql/0003_producer_runs.sql), so append_note can check who began a run.
const RUNS_STAND_IN = `create table if not exists birth_lane.producer_runs (
  run_id uuid primary key default gen_random_uuid(), started_by text not null default session_user)`;
const t = useTestDatabase({ setupSql: [...contractSteps.map((step) => step.mutation), RUNS_STAND_IN] });

/** A run begun by the test's own login (the owner pool). */
async function ownRun(): Promise<string> {
  const { rows } = await t.db.pool.query<{ run_id: string }>(
    'insert into birth_lane.producer_runs default values returning run_id::text',
  );
  return rows[0]!.run_id;
}

describeEvidenceSinkConformance('PostgresEvidenceSink', () => new PostgresEvidenceSink(t.db.pool), {
  newRunId: ownRun,
});

describe('the evidence log is append-only in the database', () => {
  async function oneRecord(): Promise<string> {
    const runId = await ownRun();
    await new PostgresEvidenceSink(t.db.pool).append([
      { kind: 'note', topic: 'test.append-only', runId, payload: { n: 1 } },
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

/** The columns PostgresEvidenceSink used to write directly, for a forged INSERT of each kind. */
function forgedRow(record: ReturnType<typeof forgedEvidenceOfEachKind>[number]) {
  const r = record as Record<string, unknown>;
  return {
    kind: record.kind,
    run_id: (r['runId'] as string | undefined) ?? null,
    row_id: (r['rowId'] as string | undefined) ?? null,
    check_id:
      (r['checkId'] as string | undefined) ?? (record.kind === 'ambiguous_row' ? 'ambiguous:forged' : null),
    rule_set_hash: (r['ruleSetHash'] as string | undefined) ?? null,
    message: 'forged',
    payload: record,
  };
}

const FORGE_SQL = `insert into birth_lane.evidence (kind, run_id, row_id, check_id, rule_set_hash, message, payload)
  values ($1::text, $2::uuid, $3::bigint, $4::text, $5::text, $6::text, $7::jsonb)`;

describe('evidence is written only through typed writers (as LOGIN roles of each lane role)', () => {
  const logins = new Map<string, LaneLogin>();
  // The lane roles and the approver roles: none may write the log directly.
  const ROLES = [...Object.values(LANE_ROLES), ...Object.values(APPROVER_DATABASE_ROLES)];
  const as = (role: string) => logins.get(role)!.client;

  beforeAll(async () => {
    for (const role of ROLES) logins.set(role, await createLaneLogin(t.db.pool, t.db.connectionString, role));
  });
  afterAll(async () => {
    await dropLaneLogins(t.db.pool, [...logins.values()]);
  });

  const count = async () =>
    (await t.db.pool.query<{ n: number }>('select count(*)::int as n from birth_lane.evidence')).rows[0]!.n;

  it.each(ROLES)('%s cannot INSERT evidence of any kind, nor draw an id', async (role) => {
    const before = await count();
    for (const record of forgedEvidenceOfEachKind(randomUUID())) {
      const row = forgedRow(record);
      const error = await as(role)
        .query(FORGE_SQL, [
          row.kind,
          row.run_id,
          row.row_id,
          row.check_id,
          row.rule_set_hash,
          row.message,
          row.payload,
        ])
        .catch((caught: unknown) => caught);
      expect(sqlStateOf(error), `${role} inserting ${record.kind}`).toBe(SQLSTATE.insufficientPrivilege);
    }
    const sequence = await as(role)
      .query("select nextval('birth_lane.evidence_id_seq')")
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(sequence)).toBe(SQLSTATE.insufficientPrivilege);
    const truncate = await as(role)
      .query('truncate birth_lane.evidence')
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(truncate)).toBe(SQLSTATE.insufficientPrivilege);
    expect(await count()).toBe(before);
  });

  it('append_note records a note as the login; its payload cannot make it another kind', async () => {
    const { login } = logins.get(LANE_ROLES.producer)!;
    const forged = forgedEvidenceOfEachKind(randomUUID())[2]!; // a run report
    const { rows } = await as(LANE_ROLES.producer).query<{ id: string }>(
      'select birth_lane.append_note($1::text, $2::jsonb)::text as id',
      ['queue.job', JSON.stringify(forged)],
    );
    const stored = await t.db.pool.query(
      'select kind, recorded_by, payload from birth_lane.evidence where id = $1::bigint',
      [rows[0]!.id],
    );
    expect(stored.rows[0]).toMatchObject({
      kind: 'note',
      recorded_by: login,
      payload: { kind: 'note', topic: 'queue.job', payload: { kind: 'run_report' } },
    });
    const reading = await new PostgresEvidenceSink(t.db.pool).read({ kind: 'run_report' });
    expect(reading.records).toEqual([]);
  });

  it('append_note refuses reserved topics, bad topics and non-object payloads; the reader may not call it', async () => {
    const producer = as(LANE_ROLES.producer);
    for (const [topic, payload] of [
      ['certify.promoted', '{"rowId":"1"}'],
      ['approval.used', '{}'],
      ['Not A Topic', '{}'],
      ['queue.job', '[1]'],
    ] as const) {
      const error = await producer
        .query('select birth_lane.append_note($1::text, $2::jsonb)', [topic, payload])
        .catch((caught: unknown) => caught);
      expect(sqlStateOf(error), topic).toBe(SQLSTATE.laneViolation);
    }
    const reader = await as(LANE_ROLES.reader)
      .query("select birth_lane.append_note('queue.job', '{}'::jsonb)")
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(reader)).toBe(SQLSTATE.insufficientPrivilege);
  });

  it('refuses a chosen id, time or writer, even from the owner: an id ahead of the sequence is impossible', async () => {
    const insert = (columns: string, values: string) =>
      t.db.pool
        .query(
          `insert into birth_lane.evidence (${columns}kind, check_id, payload)
           values (${values}'note', 'test.forged', '{"kind":"note","topic":"test.forged","payload":{}}')`,
        )
        .catch((caught: unknown) => caught);
    // Before any honest insert in this session (currval undefined) and after one.
    for (const round of ['first', 'after an honest insert']) {
      for (const [columns, values] of [
        ['id, ', '9000000000, '],
        ['recorded_at, ', "'2099-01-01', "],
        ['recorded_at, ', "now() - interval '1 day', "],
        ['recorded_by, ', "'someone else', "],
      ] as const) {
        const error = await insert(columns, values);
        expect(error, `${round}: ${columns}${values}`).toBeInstanceOf(Error);
      }
      await new PostgresEvidenceSink(t.db.pool).append([{ kind: 'note', topic: 'test.honest', payload: {} }]);
    }
    const { rows } = await t.db.pool.query<{ forged: number; max_id: string; last: string }>(
      `select count(*) filter (where check_id = 'test.forged')::int as forged, max(id)::text as max_id,
              (select last_value::text from birth_lane.evidence_id_seq) as last
         from birth_lane.evidence`,
    );
    expect(rows[0]!.forged).toBe(0);
    expect(BigInt(rows[0]!.max_id)).toBeLessThanOrEqual(BigInt(rows[0]!.last));
    // The honest notes carry the server's values.
    const honest = await t.db.pool.query<{ mine: boolean; fresh: boolean }>(
      `select recorded_by = session_user as mine, recorded_at > now() - interval '1 minute' as fresh
         from birth_lane.evidence where check_id = 'test.honest'`,
    );
    expect(honest.rows).toHaveLength(2);
    for (const row of honest.rows) expect(row).toEqual({ mine: true, fresh: true });
  });

  it("a forged failure cannot take the real failure's place in the failure-once index", async () => {
    const runId = randomUUID();
    const real = forgedRow(forgedEvidenceOfEachKind(runId)[0]!);
    const forgedValues = [
      real.kind,
      real.run_id,
      '77',
      real.check_id,
      real.rule_set_hash,
      'harmless',
      real.payload,
    ];
    const forged = await as(LANE_ROLES.producer)
      .query(FORGE_SQL, forgedValues)
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(forged)).toBe(SQLSTATE.insufficientPrivilege);
    // The lane's writer (here the owner, standing in for inspect_batch) records the real one.
    await t.db.pool.query(
      `${FORGE_SQL} on conflict (row_id, check_id, rule_set_hash) where kind in ('inspection_failure', 'ambiguous_row') do nothing`,
      [real.kind, real.run_id, '77', real.check_id, real.rule_set_hash, 'the real failure', real.payload],
    );
    const { rows } = await t.db.pool.query(
      "select message from birth_lane.evidence where row_id = 77 and kind = 'inspection_failure'",
    );
    expect(rows).toEqual([{ message: 'the real failure' }]);
  });

  it('TRUNCATE is refused even for the owner', async () => {
    const error = await t.db.pool.query('truncate birth_lane.evidence').catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.appendOnlyViolation);
  });
});

describe('readers survive a malformed record', () => {
  it('read() returns malformed records apart, with id and why; list() leaves them out', async () => {
    const runId = await ownRun();
    await new PostgresEvidenceSink(t.db.pool).append([
      { kind: 'note', topic: 'test.good', runId, payload: {} },
    ]);
    // As the superuser (the only one who still could): a report missing its counts, a wrong kind.
    const { rows } = await t.db.pool.query<{ id: string }>(
      `insert into birth_lane.evidence (kind, run_id, payload) values
         ('run_report', $1::uuid, '{"kind":"run_report","report":{"runId":"x"}}'),
         ('note', $1::uuid, '{"kind":"run_report","report":{}}')
       returning id::text`,
      [runId],
    );
    const reading = await new PostgresEvidenceSink(t.db.pool).read({ runId });
    expect(reading.records.map((entry) => entry.record.kind)).toEqual(['note']);
    expect(reading.malformed.map((entry) => entry.id)).toEqual(rows.map((row) => row.id));
    expect(reading.malformed[0]!.problem).toMatch(/report/);
    expect(await new PostgresEvidenceSink(t.db.pool).list({ runId })).toHaveLength(1);
  });
});

describe('append_note: reserved topics by prefix, and only its own run (review Low)', () => {
  const logins: LaneLogin[] = [];
  afterAll(async () => {
    await dropLaneLogins(t.db.pool, logins);
  });

  it.each([
    'certify-promoted',
    'certify_promoted',
    'certify',
    'approval_used',
    'approvals.vote',
    'run_report',
    'rule_set_activated',
    'inspection_failure',
    'ambiguous_row',
    'promotion_requested',
    'install.step',
    'note',
    'gate.flip',
    'gate_birth_warning',
    'stamps.materialised',
  ])('refuses the reserved topic %s (in SQL and in the sink)', async (topic) => {
    const error = await t.db.pool
      .query('select birth_lane.append_note($1::text, $2::jsonb)', [topic, '{}'])
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
    expect(error).toMatchObject({ constraint: 'evidence_note_topic_reserved' });
    const sink = await new PostgresEvidenceSink(t.db.pool)
      .append([{ kind: 'note', topic, payload: {} }])
      .catch((caught: unknown) => caught);
    expect(sink).toMatchObject({ code: 'FORBIDDEN_ACTION' });
  });

  it.each(['queue.job', 'queue.enqueued', 'runner.x', 'certified-by-hand'])(
    'still accepts %s',
    async (topic) => {
      await new PostgresEvidenceSink(t.db.pool).append([{ kind: 'note', topic, payload: {} }]);
    },
  );

  it("refuses a note on another login's run or on a run never begun; accepts its own", async () => {
    const producer = await createLaneLogin(t.db.pool, t.db.connectionString, LANE_ROLES.producer);
    logins.push(producer);
    const othersRun = await ownRun(); // begun by the owner, not by the producer login
    for (const runId of [othersRun, randomUUID()]) {
      const error = await producer.client
        .query("select birth_lane.append_note('queue.job', '{}'::jsonb, $1::uuid)", [runId])
        .catch((caught: unknown) => caught);
      expect(sqlStateOf(error), runId).toBe(SQLSTATE.laneViolation);
      expect(error).toMatchObject({ constraint: 'evidence_note_run' });
    }
    const { rows } = await t.db.pool.query<{ n: number }>(
      'select count(*)::int as n from birth_lane.evidence where run_id = $1::uuid',
      [othersRun],
    );
    expect(rows[0]!.n).toBe(0);
    await t.db.pool.query('insert into birth_lane.producer_runs (started_by) values ($1::text)', [
      producer.login,
    ]);
    const own = await t.db.pool.query<{ run_id: string }>(
      'select run_id::text from birth_lane.producer_runs where started_by = $1::text',
      [producer.login],
    );
    await producer.client.query("select birth_lane.append_note('queue.job', '{}'::jsonb, $1::uuid)", [
      own.rows[0]!.run_id,
    ]);
  });
});

describe('PostgresEvidenceSink.read orders by the bigint id (M5)', () => {
  it('keeps id order across a digit boundary (99 < 100) and limits to the oldest', async () => {
    const { rows } = await t.db.pool.query<{ id: string }>(
      'select coalesce(max(id), 0)::text as id from birth_lane.evidence',
    );
    const start = 10 ** String(Number(rows[0]!.id) + 10).length - 3;
    await t.db.pool.query("select setval('birth_lane.evidence_id_seq', $1::bigint, false)", [start]);
    const runId = await ownRun();
    const sink = new PostgresEvidenceSink(t.db.pool);
    for (let n = 0; n < 6; n += 1)
      await sink.append([{ kind: 'note', topic: 'test.boundary', runId, payload: { n } }]);
    const read = await sink.read({ runId, limit: 4 });
    expect(
      read.records.map((entry) => (entry.record as unknown as { payload: { n: number } }).payload.n),
    ).toEqual([0, 1, 2, 3]);
    expect(read.records.map((entry) => entry.id)).toEqual(
      [0, 1, 2, 3].map((offset) => String(start + offset)),
    );
  });
});
