import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { createSurface } from '../src/create-surface.js';
import { dropSurface } from '../src/drop-surface.js';
import { reportSurface } from '../src/report-surface.js';
import { runSurface } from '../src/run-surface.js';
import { surfaceTable } from '../src/surface-id.js';
import {
  compiler,
  draftRuleSet,
  goodRow,
  jsonl,
  refusal,
  seedRegistry,
  useStagingDatabase,
} from './support.js';

const t = useStagingDatabase();

const registryState = async () =>
  (
    await t.db.pool.query(
      'select id, inspect_pen, inspect_stamp, inspect_gate, certified, certified_at from public.birth_registry order by id',
    )
  ).rows;

describe('a sampled surface', () => {
  it('copies only uncertified governed rows, judges them, compares with production, and production never changes', async () => {
    const rows = Array.from({ length: 30 }, (_, index) =>
      goodRow(index + 1, {
        governance_role: index % 3 === 0 ? 'observed' : 'governed',
        description: index % 5 === 0 ? 'short' : 'A row long enough to pass.',
      }),
    );
    await seedRegistry(t.db.pool, rows);
    const before = await registryState();

    const surface = await createSurface(t.db.pool, {
      compiler,
      ruleSet: draftRuleSet,
      input: { kind: 'sample', size: 15 },
    });
    expect(surface.loaded).toBe(15);
    expect(surface.manifest.source).toBe('sample:15');
    const copied = await t.db.pool.query<{
      governance_role: string;
      stamps: number;
      production_governed: boolean;
    }>(
      `select i.governance_role, num_nonnulls(i.inspect_pen, i.inspect_stamp, i.inspect_gate) as stamps,
              p.governance_role = 'governed' and not p.certified as production_governed
         from ${surfaceTable(surface.surfaceId, 'input')} i join public.birth_registry p on p.id = i.id`,
    );
    expect(copied.rows).toHaveLength(15);
    expect(
      copied.rows.every(
        (row) => row.governance_role === 'governed' && row.stamps === 0 && row.production_governed,
      ),
    ).toBe(true);

    const counts = await runSurface(t.db.pool, surface.surfaceId, { compiler, batchSize: 4 });
    expect(counts.taken).toBe(15);
    const report = await reportSurface(t.db.pool, surface.surfaceId);
    expect(report.comparison?.rows).toBe(15);
    expect(report.comparison?.stages.pen).toEqual({ agree: 0, stagingOnly: 15, productionOnly: 0 });
    expect(report.comparison!.stages.gate.stagingOnly).toBe(counts.passed.gate);

    await dropSurface(t.db.pool, surface.surfaceId);
    expect(await registryState()).toEqual(before);
  });

  it('refuses a sample larger than the bound', async () => {
    const error = await refusal(
      createSurface(t.db.pool, {
        compiler,
        ruleSet: draftRuleSet,
        input: { kind: 'sample', size: 11 },
        maxRows: 10,
      }),
    );
    expect(ValidationError.isInstance(error) && error.subject).toBe('--sample');
  });
});

describe('a fixtures file with bad rows', () => {
  const text = jsonl([goodRow(1), goodRow(2, { entity_code: null })]);
  const schemas = async () =>
    (await t.db.pool.query("select count(*)::int as n from pg_namespace where nspname like 'bl\\_stage\\_%'"))
      .rows[0];

  it('is refused, naming line and field, and nothing is created', async () => {
    const before = await schemas();
    const error = await refusal(
      createSurface(t.db.pool, {
        compiler,
        ruleSet: draftRuleSet,
        input: { kind: 'fixtures', fileName: 'f.jsonl', text, format: 'jsonl' },
      }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      expect.objectContaining({ field: 'line 2: entity_code', rule: 'required' }),
    ]);
    expect(error.message).toContain('--keep-bad-rows');
    expect(await schemas()).toEqual(before);
  });

  it('is kept as deliberate bad input with keepBadRows, the row stored as written', async () => {
    const surface = await createSurface(t.db.pool, {
      compiler,
      ruleSet: draftRuleSet,
      input: { kind: 'fixtures', fileName: 'f.jsonl', text, format: 'jsonl', keepBadRows: true },
    });
    const { rows } = await t.db.pool.query(
      `select id::int, entity_code, bad_input is not null as marked, surface_id, designation from ${surfaceTable(surface.surfaceId, 'input')} order by id`,
    );
    expect(rows).toEqual([
      {
        id: 1,
        entity_code: 'STG-0001',
        marked: false,
        surface_id: surface.surfaceId,
        designation: 'candidate',
      },
      { id: 2, entity_code: null, marked: true, surface_id: surface.surfaceId, designation: 'candidate' },
    ]);
    await dropSurface(t.db.pool, surface.surfaceId);
  });

  it('a row that cannot be stored is refused even with keepBadRows', async () => {
    const error = await refusal(
      createSurface(t.db.pool, {
        compiler,
        ruleSet: draftRuleSet,
        input: {
          kind: 'fixtures',
          fileName: 'f.jsonl',
          text: jsonl([goodRow(1, { born_at: 'soon' })]),
          format: 'jsonl',
          keepBadRows: true,
        },
      }),
    );
    expect((error as ValidationError).issues[0]).toMatchObject({
      field: 'line 1: born_at',
      rule: 'timestamp',
    });
  });
});
