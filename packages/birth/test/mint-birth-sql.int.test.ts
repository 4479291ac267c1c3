import { contractSteps, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { birthSteps } from '../src/birth-steps.js';
import { registryCount, rejectionOf } from './helpers.js';

const t = useTestDatabase({ setupSql: [...contractSteps, ...birthSteps].map((step) => step.mutation) });

const MINT = 'select birth_lane.mint_birth($1::text, $2::text, $3::text, $4::text)::text as id';

describe('birth_lane.mint_birth', () => {
  it('mints certified=false with no stamps, trimming identity text, and returns the id', async () => {
    const { rows } = await t.db.pool.query(MINT, ['SQL-001', '  species ', ' test:sql ', 'observed']);
    const { rows: stored } = await t.db.pool.query(
      'select * from public.birth_registry where entity_code = $1::text',
      ['SQL-001'],
    );
    expect(stored[0]).toMatchObject({
      id: rows[0].id,
      collection_name: 'species',
      dot_origin: 'test:sql',
      governance_role: 'observed',
      certified: false,
      inspect_pen: null,
      inspect_stamp: null,
      inspect_gate: null,
    });
    expect(stored[0].born_at).toBeInstanceOf(Date);
  });

  it('uses its defaults: governed, born now, no metadata', async () => {
    await t.db.pool.query("select birth_lane.mint_birth('SQL-002', 'species', 'test:sql')");
    const { rows } = await t.db.pool.query(
      "select governance_role, born_at > now() - interval '1 minute' as recent, name, status from public.birth_registry where entity_code = 'SQL-002'",
    );
    expect(rows[0]).toEqual({ governance_role: 'governed', recent: true, name: null, status: null });
  });

  it('takes named metadata and a null born_at as now()', async () => {
    await t.db.pool.query(
      "select birth_lane.mint_birth(p_entity_code => 'SQL-003', p_collection_name => 'species', p_dot_origin => 'o', p_born_at => null, p_name => 'Cat', p_status => 'alive')",
    );
    const { rows } = await t.db.pool.query(
      "select born_at is not null as born, name, status from public.birth_registry where entity_code = 'SQL-003'",
    );
    expect(rows[0]).toEqual({ born: true, name: 'Cat', status: 'alive' });
  });

  it('is idempotent: a second call returns the existing id and changes nothing', async () => {
    const first = await t.db.pool.query(MINT, ['SQL-004', 'species', 'test:sql', 'governed']);
    const before = await t.db.pool.query("select * from public.birth_registry where entity_code = 'SQL-004'");
    const count = await registryCount(t.db.pool);
    const second = await t.db.pool.query(MINT, ['SQL-004', 'other', 'elsewhere', 'observed']);
    expect(second.rows[0].id).toBe(first.rows[0].id);
    expect(
      (await t.db.pool.query("select * from public.birth_registry where entity_code = 'SQL-004'")).rows,
    ).toEqual(before.rows);
    expect(await registryCount(t.db.pool)).toBe(count);
  });

  it.each([
    ['a null entity_code', [null, 'species', 'o', 'governed'], /entity_code is required/],
    ['a malformed entity_code', ['sql-5', 'species', 'o', 'governed'], /entity_code .* PREFIX-NNN/],
    ['an entity_code with a lower-case prefix', ['Sql-005', 'species', 'o', 'governed'], /entity_code/],
    ['a null collection_name', ['SQL-005', null, 'o', 'governed'], /collection_name must not be empty/],
    ['a blank collection_name', ['SQL-005', '   ', 'o', 'governed'], /collection_name must not be empty/],
    [
      'a 129-character collection_name',
      ['SQL-005', 'c'.repeat(129), 'o', 'governed'],
      /collection_name must be at most 128/,
    ],
    ['a null dot_origin', ['SQL-005', 'species', null, 'governed'], /dot_origin must not be empty/],
    ['a blank dot_origin', ['SQL-005', 'species', '', 'governed'], /dot_origin must not be empty/],
    [
      'an unknown governance_role',
      ['SQL-005', 'species', 'o', 'canonical'],
      /governance_role .* governed, observed/,
    ],
    ['a null governance_role', ['SQL-005', 'species', 'o', null], /governance_role/],
  ])(
    'refuses %s with SQLSTATE BL001 naming the field, and writes nothing',
    async (_label, values, message) => {
      const before = await registryCount(t.db.pool);
      const error = await rejectionOf(t.db.pool.query(MINT, values));
      expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
      expect((error as Error).message).toMatch(message);
      expect(await registryCount(t.db.pool)).toBe(before);
    },
  );

  it('has no parameter through which a stamp or certified could be passed', async () => {
    const error = await rejectionOf(
      t.db.pool.query(
        "select birth_lane.mint_birth(p_entity_code => 'SQL-006', p_collection_name => 'c', p_dot_origin => 'o', p_certified => true)",
      ),
    );
    expect(sqlStateOf(error)).toBe(SQLSTATE.undefinedFunction);
  });
});

describe('born_at must be a finite time (M3)', () => {
  it.each(['infinity', '-infinity'])(
    'mint_birth refuses born_at %s with BL001 naming the field and rule',
    async (at) => {
      const before = await registryCount(t.db.pool);
      const error = await t.db.pool
        .query(
          "select birth_lane.mint_birth('INF-001', 'species', 'test:sql', 'governed', null, $1::timestamptz)",
          [at],
        )
        .catch((caught: unknown) => caught);
      expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
      expect(error).toMatchObject({ constraint: 'birth_born_at_finite', column: 'born_at' });
      expect((error as Error).message).toMatch(/born_at .* finite time \(rule: finite\)/);
      expect(await registryCount(t.db.pool)).toBe(before);
    },
  );

  it.each(['infinity', '-infinity'])('mint_births refuses the whole chunk for born_at %s', async (at) => {
    const before = await registryCount(t.db.pool);
    const error = await t.db.pool
      .query('select * from birth_lane.mint_births($1::jsonb)', [
        JSON.stringify([
          {
            i: 0,
            entity_code: 'INF-002',
            collection_name: 'species',
            dot_origin: 'o',
            governance_role: 'governed',
          },
          {
            i: 1,
            entity_code: 'INF-003',
            collection_name: 'species',
            dot_origin: 'o',
            governance_role: 'governed',
            born_at: at,
          },
        ]),
      ])
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
    expect(error).toMatchObject({ constraint: 'birth_born_at_finite' });
    expect((error as Error).message).toMatch(/inputs\.1 .*born_at must be a finite time \(rule: finite\)/);
    expect(await registryCount(t.db.pool)).toBe(before);
  });
});
