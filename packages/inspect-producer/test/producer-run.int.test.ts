import { contractSteps, type Database } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeEach, describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { saveRuleSet } from '../src/rules/rule-set-store.js';
import { runProducer } from '../src/run/run-producer.js';
import { saveAndActivate } from './activate.js';

const t = useTestDatabase({ setupSql: [...contractSteps, ...ruleSetSteps].map((step) => step.mutation) });
const db = (): Database => t.db.pool;

/** A row that passes every stage of the default rule set; override fields to plant a defect. */
const goodRow = (code: string, overrides: Record<string, unknown> = {}) => ({
  entity_code: code,
  collection_name: 'fauna',
  species_code: 'SP-MAMMAL',
  dot_origin: 'dot://zoo/1',
  governance_role: 'governed',
  born_at: '2025-06-01T00:00:00Z',
  name: 'A cat',
  description: 'A small domesticated carnivorous mammal.',
  status: 'active',
  ...overrides,
});

async function seed(rows: Record<string, unknown>[]): Promise<void> {
  // Direct inserts as the superuser: this package's tests do not install the other blocks' guards,
  // which lets them plant field states (ambiguous stamps) a guarded registry would refuse.
  await db().query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role, born_at,
                                        name, description, status, inspect_pen, inspect_stamp, inspect_gate)
     select entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status,
            inspect_pen, inspect_stamp, inspect_gate
       from jsonb_to_recordset($1::jsonb) as r(entity_code text, collection_name text, species_code text, dot_origin text,
            governance_role text, born_at timestamptz, name text, description text, status text,
            inspect_pen timestamptz, inspect_stamp timestamptz, inspect_gate timestamptz)`,
    [JSON.stringify(rows)],
  );
}

interface StampRow {
  entity_code: string;
  inspect_pen: Date | null;
  inspect_stamp: Date | null;
  inspect_gate: Date | null;
  certified: boolean;
}
async function stamps(): Promise<Map<string, StampRow>> {
  const { rows } = await db().query<StampRow>(
    'select entity_code, inspect_pen, inspect_stamp, inspect_gate, certified from public.birth_registry order by id',
  );
  return new Map(rows.map((row) => [row.entity_code, row]));
}
interface FailureRow {
  entity_code: string;
  stage: string | null;
  check_id: string;
  kind: string;
}
async function failures(): Promise<FailureRow[]> {
  const { rows } = await db().query<FailureRow>(
    "select entity_code, stage, check_id, kind from birth_lane.evidence where kind in ('inspection_failure', 'ambiguous_row') order by id",
  );
  return rows;
}

async function activateDefault(): Promise<void> {
  await saveAndActivate(t.db, defaultRuleSet);
}

/**
 * Makes `version` active behind the store's back (as the table owner could), leaving the
 * inspection compiled for the rule set activated before.
 */
async function switchActiveWithoutActivation(version: string): Promise<void> {
  await saveRuleSet(db(), { ...defaultRuleSet, version });
  await db().query(
    "update birth_lane.rule_sets set status = case when version = $1::text then 'active' else 'retired' end, activated_at = now()",
    [version],
  );
}

beforeEach(async () => {
  // Each case starts from an empty registry; evidence is append-only, so cases use distinct codes.
  await db().query('alter table birth_lane.evidence disable trigger evidence_append_only');
  await db().query('delete from birth_lane.evidence');
  await db().query('alter table birth_lane.evidence enable trigger evidence_append_only');
  await db().query('delete from public.birth_registry');
  await db().query('delete from birth_lane.rule_sets');
});

describe('with no active rule set', () => {
  it('stamps nothing and reports SOURCE_RECOVERY_REQUIRED', async () => {
    await seed([goodRow('ENT-001')]);
    const report = await runProducer(db(), { channel: 'once' });
    expect(report.outcome).toBe('source_recovery_required');
    expect(report.detail).toMatch(/SOURCE_RECOVERY_REQUIRED/);
    expect(report.passed).toEqual({ pen: 0, stamp: 0, gate: 0 });
    expect((await stamps()).get('ENT-001')?.inspect_pen).toBeNull();
  });

  it('stamps nothing when the active rule set was tampered with', async () => {
    await activateDefault();
    await db().query(
      "update birth_lane.rule_sets set document = jsonb_set(document, '{description}', '\"edited\"') where status = 'active'",
    );
    await db().query(
      "update birth_lane.rule_sets set document = document #- '{stages,pen,0}' where status = 'active'",
    );
    await seed([goodRow('ENT-002')]);
    const report = await runProducer(db(), { channel: 'once' });
    expect(report.outcome).toBe('source_recovery_required');
    expect((await stamps()).get('ENT-002')?.inspect_pen).toBeNull();
  });
});

describe('a run under the default rule set', () => {
  beforeEach(activateDefault);

  it('stamps all three stages of a good row, in order, and never certifies', async () => {
    await seed([goodRow('ENT-100')]);
    const report = await runProducer(db(), { channel: 'once' });
    expect(report).toMatchObject({
      outcome: 'completed',
      scanned: 1,
      passed: { pen: 1, stamp: 1, gate: 1 },
      failed: { pen: 0, stamp: 0, gate: 0 },
    });
    const row = (await stamps()).get('ENT-100')!;
    expect(row.inspect_pen).not.toBeNull();
    expect(row.inspect_pen!.getTime()).toBeLessThanOrEqual(row.inspect_stamp!.getTime());
    expect(row.inspect_stamp!.getTime()).toBeLessThanOrEqual(row.inspect_gate!.getTime());
    expect(row.certified).toBe(false);
  });

  it('sets no stamp for a failed stage, stops later stages, and records each failure', async () => {
    await seed([
      goodRow('ENT-201', { collection_name: null }), // PEN fails: missing collection_name
      goodRow('ENT-202', { dot_origin: '   ' }), // PEN fails: blank dot_origin
      goodRow('bad-code'), // PEN fails: malformed entity_code
      goodRow('   '), // PEN fails: missing (blank) entity_code
      goodRow('ENT-204', { name: null }), // STAMP fails
      goodRow('ENT-205', { status: 'mystery' }), // STAMP fails
      goodRow('ENT-206', { species_code: 'SP-TREE' }), // GATE fails: wrong species for fauna
      goodRow('ENT-207', { born_at: '2999-01-01T00:00:00Z' }), // PEN fails: born in the future
    ]);
    const report = await runProducer(db(), { channel: 'once' });
    expect(report.failed).toEqual({ pen: 5, stamp: 2, gate: 1 });
    const rows = await stamps();
    for (const code of ['ENT-201', 'ENT-202', 'bad-code', '   ', 'ENT-207']) {
      expect(rows.get(code)).toMatchObject({ inspect_pen: null, inspect_stamp: null, inspect_gate: null });
    }
    for (const code of ['ENT-204', 'ENT-205']) {
      expect(rows.get(code)?.inspect_pen).not.toBeNull();
      expect(rows.get(code)).toMatchObject({ inspect_stamp: null, inspect_gate: null });
    }
    expect(rows.get('ENT-206')?.inspect_stamp).not.toBeNull();
    expect(rows.get('ENT-206')?.inspect_gate).toBeNull();
    const recorded = await failures();
    expect([...new Set(recorded.map((entry) => `${entry.entity_code}:${entry.stage}`))].sort()).toEqual(
      [
        'ENT-201:pen',
        'ENT-202:pen',
        'bad-code:pen',
        '   :pen',
        'ENT-204:stamp',
        'ENT-205:stamp',
        'ENT-206:gate',
        'ENT-207:pen',
      ].sort(),
    );
    const { rows: messages } = await db().query<{ message: string }>(
      "select message from birth_lane.evidence where entity_code = 'ENT-206' and kind = 'inspection_failure'",
    );
    expect(messages[0]?.message).toMatch(/species_code.*found: 'fauna'\/'SP-TREE'/);
  });

  it('marks ambiguous rows, leaves them alone, and skips observed rows', async () => {
    const now = '2026-01-01T00:00:00Z';
    const later = '2026-01-02T00:00:00Z';
    await seed([
      goodRow('ENT-301', { inspect_gate: now }), // GATE without PEN
      goodRow('ENT-302', { inspect_stamp: now }), // STAMP without PEN
      goodRow('ENT-303', { inspect_pen: later, inspect_stamp: now }), // out of order
      goodRow('ENT-304', { governance_role: 'observed' }),
      goodRow('ENT-305', { inspect_pen: now }), // a valid prefix: continue with STAMP
    ]);
    const before = await stamps();
    const report = await runProducer(db(), { channel: 'once' });
    expect(report).toMatchObject({
      ambiguous: 3,
      skipped: 1,
      scanned: 4,
      passed: { pen: 0, stamp: 1, gate: 1 },
    });
    const after = await stamps();
    for (const code of ['ENT-301', 'ENT-302', 'ENT-303', 'ENT-304'])
      expect(after.get(code)).toEqual(before.get(code));
    expect(after.get('ENT-305')?.inspect_pen).toEqual(before.get('ENT-305')?.inspect_pen);
    expect(after.get('ENT-305')?.inspect_gate).not.toBeNull();
    const recorded = await failures();
    expect(
      recorded
        .filter((entry) => entry.kind === 'ambiguous_row')
        .map((entry) => `${entry.entity_code}:${entry.check_id}`)
        .sort(),
    ).toEqual([
      'ENT-301:ambiguous:gate_without_pen',
      'ENT-302:ambiguous:stamp_without_pen',
      'ENT-303:ambiguous:stamps_out_of_order',
    ]);
  });

  it('stamps nothing new and appends no duplicate failure on a second run', async () => {
    await seed([
      goodRow('ENT-401'),
      goodRow('ENT-402', { name: null }),
      goodRow('ENT-403', { inspect_gate: '2026-01-01T00:00:00Z' }),
    ]);
    await runProducer(db(), { channel: 'once' });
    const stampsAfterFirst = await stamps();
    const failuresAfterFirst = await failures();
    const second = await runProducer(db(), { channel: 'once' });
    expect(second.passed).toEqual({ pen: 0, stamp: 0, gate: 0 });
    expect(await stamps()).toEqual(stampsAfterFirst);
    expect(await failures()).toEqual(failuresAfterFirst);
  });

  it('two producers started together set each stamp once and record each failure once', async () => {
    const rows = Array.from({ length: 6000 }, (_, index) => {
      const code = `ENT-${String(10_000 + index)}`;
      if (index % 10 === 0) return goodRow(code, { name: null });
      if (index % 17 === 0) return goodRow(code, { species_code: 'SP-TREE' });
      return goodRow(code);
    });
    await seed(rows);
    const [first, second] = await Promise.all([
      runProducer(db(), { channel: 'once', batchSize: 200, maxBatchSize: 400 }),
      runProducer(db(), { channel: 'once', batchSize: 200, maxBatchSize: 400 }),
    ]);
    expect(first.outcome).toBe('completed');
    expect(second.outcome).toBe('completed');
    const { rows: counts } = await db().query(
      `select count(*) filter (where inspect_gate is not null)::int as gated,
              count(*) filter (where inspect_pen is not null)::int as penned
         from public.birth_registry`,
    );
    const expectedFailed = rows.filter((row) => row.name === null || row.species_code === 'SP-TREE').length;
    expect(counts[0]).toEqual({ gated: 6000 - expectedFailed, penned: 6000 });
    const { rows: duplicates } = await db().query(
      `select row_id, check_id, count(*) from birth_lane.evidence where kind = 'inspection_failure'
        group by row_id, check_id having count(*) > 1`,
    );
    expect(duplicates).toEqual([]);
    const failedRows = new Set((await failures()).map((entry) => entry.entity_code));
    expect(failedRows.size).toBe(expectedFailed);
    // Each row's stamps were written by one producer: all its stamps share that batch's now().
    const { rows: mixed } = await db().query(
      'select count(*)::int as n from public.birth_registry where inspect_gate is not null and not (inspect_pen = inspect_stamp and inspect_stamp = inspect_gate)',
    );
    expect(mixed[0]?.n).toBe(0);
  });

  it('walks only the id range it is given and stops at a row limit', async () => {
    await seed(Array.from({ length: 50 }, (_, index) => goodRow(`ENT-${String(500 + index)}`)));
    const { rows } = await db().query<{ id: string }>(
      'select id::text from public.birth_registry order by id',
    );
    const ranged = await runProducer(db(), { channel: 'once', idFrom: rows[10]!.id, idTo: rows[19]!.id });
    expect(ranged.scanned).toBe(10);
    const limited = await runProducer(db(), { channel: 'once', maxRows: 5, batchSize: 2, minBatchSize: 1 });
    expect(limited).toMatchObject({ outcome: 'stopped', scanned: 5 });
  });

  it('stops after the batch in flight when aborted', async () => {
    await seed(Array.from({ length: 30 }, (_, index) => goodRow(`ENT-${String(700 + index)}`)));
    const controller = new AbortController();
    const report = await runProducer(db(), {
      channel: 'once',
      batchSize: 5,
      minBatchSize: 5,
      maxBatchSize: 5,
      signal: controller.signal,
      onBatch: () => controller.abort(),
    });
    expect(report).toMatchObject({ outcome: 'stopped', scanned: 5 });
  });

  it('appends a run report that the evidence log returns intact', async () => {
    await seed([goodRow('ENT-801')]);
    const report = await runProducer(db(), { channel: 'once' });
    const { rows } = await db().query(
      "select payload from birth_lane.evidence where kind = 'run_report' and run_id = $1::uuid",
      [report.runId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.payload.report.runId).toBe(report.runId);
    expect(rows[0]?.payload.report.ruleSetHash).toBe(report.ruleSetHash);
  });
});

describe('the database-side procedure', () => {
  beforeEach(activateDefault);

  it('judges rows exactly as the TypeScript runner does', async () => {
    const rows = [
      goodRow('ENT-901'),
      goodRow('ENT-902', { collection_name: null }),
      goodRow('ENT-903', { status: 'mystery' }),
      goodRow('ENT-904', { species_code: null }),
      goodRow('ENT-905', { inspect_gate: '2026-01-01T00:00:00Z' }),
      goodRow('ENT-906', { governance_role: 'observed' }),
    ];
    await seed(rows);
    await runProducer(db(), { channel: 'once' });
    const viaTypeScript = [...(await stamps()).values()].map((row) => [
      row.entity_code,
      row.inspect_pen !== null,
      row.inspect_stamp !== null,
      row.inspect_gate !== null,
    ]);
    const failuresViaTypeScript = (await failures()).map((entry) => `${entry.entity_code}:${entry.check_id}`);

    await db().query('alter table birth_lane.evidence disable trigger evidence_append_only');
    await db().query('delete from birth_lane.evidence');
    await db().query('alter table birth_lane.evidence enable trigger evidence_append_only');
    await db().query('delete from public.birth_registry');
    await seed(rows);
    await db().query('call birth_lane.run_producer(2, 3000)');
    const viaProcedure = [...(await stamps()).values()].map((row) => [
      row.entity_code,
      row.inspect_pen !== null,
      row.inspect_stamp !== null,
      row.inspect_gate !== null,
    ]);
    expect(viaProcedure).toEqual(viaTypeScript);
    expect((await failures()).map((entry) => `${entry.entity_code}:${entry.check_id}`)).toEqual(
      failuresViaTypeScript,
    );
    const { rows: reports } = await db().query(
      "select payload from birth_lane.evidence where kind = 'run_report'",
    );
    expect(reports[0]?.payload.report).toMatchObject({
      channel: 'pg-cron',
      outcome: 'completed',
      scanned: 5,
      skipped: 1,
      ambiguous: 1,
    });
  });

  it('stamps nothing when another rule set is active than the one it was compiled for', async () => {
    await switchActiveWithoutActivation('9.9.9');
    await seed([goodRow('ENT-950')]);
    await db().query('call birth_lane.run_producer()');
    expect((await stamps()).get('ENT-950')?.inspect_pen).toBeNull();
    const { rows } = await db().query("select payload from birth_lane.evidence where kind = 'run_report'");
    expect(rows[0]?.payload.report.outcome).toBe('source_recovery_required');
    expect(rows[0]?.payload.report.detail).toMatch(
      /SOURCE_RECOVERY_REQUIRED: the inspection was compiled for rule set 1\.0\.0/,
    );
  });
});

describe('the inspection compiled at activation', () => {
  beforeEach(activateDefault);

  it('refuses to stamp for the TypeScript runner when another rule set is active', async () => {
    await switchActiveWithoutActivation('9.9.8');
    await seed([goodRow('ENT-960')]);
    const report = await runProducer(db(), { channel: 'once' });
    expect(report).toMatchObject({
      outcome: 'source_recovery_required',
      passed: { pen: 0, stamp: 0, gate: 0 },
    });
    expect(report.detail).toMatch(/compiled for rule set 1\.0\.0/);
    expect((await stamps()).get('ENT-960')?.inspect_pen).toBeNull();
  });

  it('counts on the server: the report equals the sum of what inspect_batch did', async () => {
    await seed([
      goodRow('ENT-970'),
      goodRow('ENT-971', { name: null }),
      goodRow('ENT-972', { governance_role: 'observed' }),
    ]);
    const report = await runProducer(db(), {
      channel: 'once',
      batchSize: 1,
      minBatchSize: 1,
      maxBatchSize: 1,
    });
    const { rows } = await db().query(
      'select batches::int, scanned::int, skipped::int, passed_pen::int, failed_stamp::int, ended_at is not null as ended from birth_lane.producer_runs where run_id = $1::uuid',
      [report.runId],
    );
    expect(rows[0]).toMatchObject({ scanned: 2, skipped: 1, passed_pen: 2, failed_stamp: 1, ended: true });
    expect(rows[0]!.batches).toBeGreaterThanOrEqual(3);
    expect(report).toMatchObject({
      scanned: 2,
      skipped: 1,
      passed: { pen: 2, stamp: 1, gate: 1 },
      failed: { stamp: 1 },
    });
  });

  it('stamps with the database clock, whatever the client clock says', async () => {
    await seed([goodRow('ENT-980')]);
    const { rows: before } = await db().query<{ now: Date }>('select clock_timestamp() as now');
    await runProducer(db(), { channel: 'once' });
    const { rows: after } = await db().query<{ now: Date }>('select clock_timestamp() as now');
    const row = (await stamps()).get('ENT-980')!;
    expect(row.inspect_pen!.getTime()).toBeGreaterThanOrEqual(before[0]!.now.getTime());
    expect(row.inspect_gate!.getTime()).toBeLessThanOrEqual(after[0]!.now.getTime());
  });
});
