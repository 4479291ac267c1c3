import {
  type BirthInput,
  contractSteps,
  type Queryable,
  ValidationError,
  withTransaction,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { birthSteps } from '../src/birth-steps.js';
import { mintBirth, mintBirths } from '../src/mint-births.js';
import { countingQueryable, registryCount, rejectionOf } from './helpers.js';

const t = useTestDatabase({ setupSql: [...contractSteps, ...birthSteps].map((step) => step.mutation) });

let next = 1;
/** A fresh, valid entity code per call, so tests in this file never collide. */
const code = (prefix = 'SPC') => `${prefix}-${String(next++).padStart(6, '0')}`;
const input = (overrides: Partial<BirthInput> = {}): BirthInput => ({
  entity_code: code(),
  collection_name: 'species',
  dot_origin: 'test:mint',
  ...overrides,
});

async function storedRow(entityCode: string) {
  const { rows } = await t.db.pool.query('select * from public.birth_registry where entity_code = $1::text', [
    entityCode,
  ]);
  return rows[0];
}

describe('mintBirth', () => {
  it('mints an identity root with certified=false and no stamps', async () => {
    const birth = input({ species_code: 'felis', name: 'Cat', born_at: '2024-01-02T03:04:05.678Z' });
    const result = await mintBirth(t.db.pool, birth);
    expect(result).toEqual({
      outcome: 'minted',
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      entityCode: birth.entity_code,
      conflicts: [],
    });
    expect(await storedRow(birth.entity_code)).toMatchObject({
      id: result.id,
      collection_name: 'species',
      dot_origin: 'test:mint',
      governance_role: 'governed',
      species_code: 'felis',
      name: 'Cat',
      born_at: new Date('2024-01-02T03:04:05.678Z'),
      inspect_pen: null,
      inspect_stamp: null,
      inspect_gate: null,
      certified: false,
      certified_at: null,
    });
  });

  it('gives born_at now() when the input leaves it out', async () => {
    const birth = input();
    await mintBirth(t.db.pool, birth);
    const row = await storedRow(birth.entity_code);
    expect(Math.abs(row.born_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('reports a second mint of the same code as existing and changes nothing', async () => {
    const birth = input({ name: 'Original' });
    const first = await mintBirth(t.db.pool, birth);
    const before = await storedRow(birth.entity_code);
    const count = await registryCount(t.db.pool);

    const second = await mintBirth(t.db.pool, birth);
    expect(second).toEqual({
      outcome: 'existing',
      id: first.id,
      entityCode: birth.entity_code,
      conflicts: [],
    });
    expect(await storedRow(birth.entity_code)).toEqual(before);
    expect(await registryCount(t.db.pool)).toBe(count);
  });

  it('lists the differing fields of a second mint, and never overwrites the stored row', async () => {
    const birth = input({ name: 'Original', species_code: 'felis' });
    const first = await mintBirth(t.db.pool, birth);
    const before = await storedRow(birth.entity_code);

    const second = await mintBirth(t.db.pool, {
      ...birth,
      collection_name: 'other',
      governance_role: 'observed',
      name: 'Renamed',
      species_code: 'felis',
      born_at: new Date('2001-01-01T00:00:00Z'),
    });
    expect(second.outcome).toBe('existing');
    expect(second.id).toBe(first.id);
    expect(second.conflicts).toEqual(['collection_name', 'governance_role', 'name', 'born_at']);
    expect(await storedRow(birth.entity_code)).toEqual(before);
  });

  it('does not count an optional field the second input leaves out as a conflict', async () => {
    const birth = input({ name: 'Named', description: 'described' });
    await mintBirth(t.db.pool, birth);
    const { name: _name, description: _description, ...bare } = birth;
    expect((await mintBirth(t.db.pool, bare)).conflicts).toEqual([]);
    expect((await mintBirth(t.db.pool, { ...bare, description: null })).conflicts).toEqual(['description']);
  });

  it('mints an observed row with its role', async () => {
    const birth = input({ governance_role: 'observed' });
    await mintBirth(t.db.pool, birth);
    expect(await storedRow(birth.entity_code)).toMatchObject({
      governance_role: 'observed',
      certified: false,
      inspect_pen: null,
    });
  });

  const { entity_code: _code, ...withoutCode } = input();
  const { collection_name: _collection, ...withoutCollection } = input();
  const { dot_origin: _origin, ...withoutOrigin } = input();
  it.each([
    ['a missing entity_code', withoutCode, 'entity_code', 'required'],
    ['a malformed entity_code', input({ entity_code: 'spc-12' }), 'entity_code', 'pattern'],
    ['an entity_code with too few digits', input({ entity_code: 'SPC-12' }), 'entity_code', 'pattern'],
    ['a missing collection_name', withoutCollection, 'collection_name', 'required'],
    ['a blank collection_name', input({ collection_name: '   ' }), 'collection_name', 'min'],
    ['a missing dot_origin', withoutOrigin, 'dot_origin', 'required'],
    [
      'an unknown governance_role',
      input({ governance_role: 'canonical' as 'governed' }),
      'governance_role',
      'one_of',
    ],
    ['certified: true', { ...input(), certified: true }, 'certified', 'unknown_key'],
    [
      'an inspect_pen stamp',
      { ...input(), inspect_pen: new Date().toISOString() },
      'inspect_pen',
      'unknown_key',
    ],
    ['certified_at', { ...input(), certified_at: new Date().toISOString() }, 'certified_at', 'unknown_key'],
  ])('refuses %s, naming the field, and writes nothing', async (_label, bad, field, rule) => {
    const before = await registryCount(t.db.pool);
    const counting = countingQueryable(t.db.pool);
    const error = await rejectionOf(mintBirth(counting, bad as BirthInput));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toContainEqual(expect.objectContaining({ field, rule }));
    expect((error as ValidationError).message).toContain(field);
    expect(counting.count).toBe(0);
    expect(await registryCount(t.db.pool)).toBe(before);
  });
});

describe('mintBirths', () => {
  it('mints 5,000 inputs, mixed new and existing, in one round trip, in input order', async () => {
    const inputs = Array.from({ length: 5_000 }, (_, i) => input({ name: `n${i}` }));
    const existing = new Map<number, string>();
    for (const index of [0, 1, 2_500, 4_999]) {
      existing.set(index, (await mintBirth(t.db.pool, inputs[index]!)).id);
    }
    // One already-born input now disagrees with its row: reported, not written.
    inputs[2_500] = { ...inputs[2_500]!, dot_origin: 'test:elsewhere' };
    const before = await registryCount(t.db.pool);

    const counting = countingQueryable(t.db.pool);
    const result = await mintBirths(counting, inputs);

    expect(counting.count).toBe(1);
    expect(result.totals).toEqual({ total: 5_000, minted: 4_996, existing: 4, conflicting: 1 });
    expect(await registryCount(t.db.pool)).toBe(before + 4_996);
    expect(result.results.map((outcome) => outcome.index)).toEqual(inputs.map((_, i) => i));
    expect(result.results.map((outcome) => outcome.entityCode)).toEqual(
      inputs.map((birth) => birth.entity_code),
    );
    for (const [index, id] of existing) {
      expect(result.results[index]).toMatchObject({ outcome: 'existing', id });
    }
    expect(result.results[2_500]?.conflicts).toEqual(['dot_origin']);
    expect(await storedRow(inputs[2_500]!.entity_code)).toMatchObject({ dot_origin: 'test:mint' });

    // The ids returned are the rows stored under those codes, every one uncertified and unstamped.
    const { rows } = await t.db.pool.query<{ mismatched: number; stamped: number }>(
      `select count(*) filter (where r.id::text <> i.id)::int as mismatched,
              count(*) filter (where r.certified or r.inspect_pen is not null or r.inspect_stamp is not null
                                  or r.inspect_gate is not null)::int as stamped
         from jsonb_to_recordset($1::jsonb) as i(id text, "entityCode" text)
         join public.birth_registry r on r.entity_code = i."entityCode"`,
      [JSON.stringify(result.results)],
    );
    expect(rows[0]).toEqual({ mismatched: 0, stamped: 0 });
  });

  it('writes nothing when one input of a batch is bad, and lists it by index and field', async () => {
    const inputs = Array.from({ length: 50 }, () => input());
    inputs[17] = { ...inputs[17]!, entity_code: 'nope' };
    inputs[31] = { ...inputs[31]!, inspect_gate: new Date() } as BirthInput;
    const before = await registryCount(t.db.pool);
    const counting = countingQueryable(t.db.pool);

    const error = await rejectionOf(mintBirths(counting, inputs));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([
      'inputs.17.entity_code',
      'inputs.31.inspect_gate',
    ]);
    expect(counting.count).toBe(0);
    expect(await registryCount(t.db.pool)).toBe(before);
  });

  it('refuses a code given twice in one batch, naming both indexes, and writes nothing', async () => {
    const inputs = [input(), input(), input()];
    inputs[2] = { ...inputs[2]!, entity_code: inputs[0]!.entity_code };
    const before = await registryCount(t.db.pool);
    const error = (await rejectionOf(mintBirths(t.db.pool, inputs))) as ValidationError;
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'inputs.2.entity_code',
        rule: 'unique',
        message: expect.stringContaining('inputs.0'),
      }),
    ]);
    expect(await registryCount(t.db.pool)).toBe(before);
  });

  it('returns empty totals for an empty batch without a query', async () => {
    const counting = countingQueryable(t.db.pool);
    expect(await mintBirths(counting, [])).toEqual({
      results: [],
      totals: { total: 0, minted: 0, existing: 0, conflicting: 0 },
    });
    expect(counting.count).toBe(0);
  });

  it('splits a batch larger than chunkSize into one statement per chunk, keeping input order', async () => {
    const inputs = Array.from({ length: 7 }, () => input());
    await mintBirth(t.db.pool, inputs[4]!);
    const counting = countingQueryable(t.db.pool);
    const result = await mintBirths(counting, inputs, { chunkSize: 3 });
    expect(counting.count).toBe(3);
    expect(result.results.map((outcome) => [outcome.index, outcome.outcome])).toEqual([
      [0, 'minted'],
      [1, 'minted'],
      [2, 'minted'],
      [3, 'minted'],
      [4, 'existing'],
      [5, 'minted'],
      [6, 'minted'],
    ]);
  });

  it('finds a code a concurrent minter committed after the statement began (one extra read)', async () => {
    const raced = input();
    const fresh = input();
    const rival = await t.db.connect();
    await rival.query('begin');
    const { rows } = await rival.query<{ id: string }>(
      "insert into public.birth_registry (entity_code, collection_name, dot_origin) values ($1::text, 'species', 'test:rival') returning id::text",
      [raced.entity_code],
    );

    // The bulk statement takes its snapshot, then waits on the rival's uncommitted row.
    const counting = countingQueryable(t.db.pool);
    const pending = mintBirths(counting, [raced, fresh]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows: waiting } = await t.db.pool.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (waiting[0]!.n > 0) break;
      if (Date.now() > deadline) throw new Error('the bulk mint never waited on the rival');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await rival.query('commit');

    const result = await pending;
    expect(counting.count).toBe(2);
    expect(result.results[0]).toMatchObject({
      outcome: 'existing',
      id: rows[0]!.id,
      conflicts: ['dot_origin'],
    });
    expect(result.results[1]).toMatchObject({ outcome: 'minted' });
  });

  it('refuses a chunkSize outside 1..10000', async () => {
    const error = (await rejectionOf(mintBirths(t.db.pool, [input()], { chunkSize: 0 }))) as ValidationError;
    expect(error.issues[0]).toMatchObject({ field: 'chunkSize', rule: 'range' });
  });

  it('keeps one statement of 10,000 inputs inside a 5 s statement_timeout', async () => {
    const inputs = Array.from({ length: 10_000 }, () => input({ description: 'x'.repeat(200) }));
    const result = await withTransaction(
      t.db.pool,
      (connection) => mintBirths(connection, inputs, { chunkSize: 10_000 }),
      {
        settings: { statement_timeout: '5s' },
      },
    );
    expect(result.totals.minted).toBe(10_000);
  });

  it('rolls back every chunk when run inside withTransaction and a later chunk fails', async () => {
    const inputs = Array.from({ length: 4 }, () => input());
    const before = await registryCount(t.db.pool);
    let statements = 0;
    const error = await rejectionOf(
      withTransaction(t.db.pool, async (connection) => {
        // Fail the second chunk's statement (division by zero) after the first chunk was written.
        const failing: Queryable = {
          query: (text, values) =>
            connection.query(++statements === 2 ? 'select 1/0 where $1::jsonb is not null' : text, values),
        };
        return mintBirths(failing, inputs, { chunkSize: 2 });
      }),
    );
    expect((error as { code?: string }).code).toBe('DATABASE_ERROR');
    expect((error as { sqlState?: string }).sqlState).toBe('22012');
    expect(await registryCount(t.db.pool)).toBe(before);
  });
});
