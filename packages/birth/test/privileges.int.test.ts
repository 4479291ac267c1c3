import { contractSteps, LANE_ROLES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { birthSteps } from '../src/birth-steps.js';
import { mintBirth, mintBirths } from '../src/mint-births.js';
import { registryCount, rejectionOf } from './helpers.js';

const t = useTestDatabase({ setupSql: [...contractSteps, ...birthSteps].map((step) => step.mutation) });

describe('connected as birth_lane_birth', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = await t.db.connect();
    await client.query(`set role ${LANE_ROLES.birth}`);
  });
  afterAll(async () => {
    await client.query('reset role');
  });

  it('mints through mintBirth and mintBirths, including the existing-row report', async () => {
    const minted = await mintBirth(client, {
      entity_code: 'ROL-001',
      collection_name: 'species',
      dot_origin: 'test:role',
    });
    expect(minted.outcome).toBe('minted');
    const again = await mintBirth(client, {
      entity_code: 'ROL-001',
      collection_name: 'other',
      dot_origin: 'test:role',
    });
    expect(again).toMatchObject({ outcome: 'existing', id: minted.id, conflicts: ['collection_name'] });
    const bulk = await mintBirths(client, [
      { entity_code: 'ROL-001', collection_name: 'species', dot_origin: 'test:role' },
      { entity_code: 'ROL-002', collection_name: 'species', dot_origin: 'test:role' },
    ]);
    expect(bulk.totals).toMatchObject({ minted: 1, existing: 1, conflicting: 0 });
  });

  it('mints through birth_lane.mint_birth', async () => {
    const { rows } = await client.query(
      "select birth_lane.mint_birth('ROL-003', 'species', 'test:role') as id",
    );
    expect(rows[0].id).toMatch(/^[1-9][0-9]*$/);
  });

  it.each([
    ['inspect_pen', 'now()'],
    ['inspect_stamp', 'now()'],
    ['inspect_gate', 'now()'],
    ['certified', 'true'],
    ['certified_at', 'now()'],
    ['canonical_address', "'addr'"],
  ])('cannot insert a row carrying %s (42501), and nothing is written', async (column, value) => {
    const before = await registryCount(t.db.pool);
    const error = await rejectionOf(
      client.query(
        `insert into public.birth_registry (entity_code, collection_name, dot_origin, ${column}) values ('ROL-900', 'c', 'o', ${value})`,
      ),
    );
    expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
    expect(await registryCount(t.db.pool)).toBe(before);
  });

  it('cannot read stamps or certification', async () => {
    const error = await rejectionOf(
      client.query('select inspect_pen, certified from public.birth_registry limit 1'),
    );
    expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
  });

  it('cannot stamp or certify an existing row', async () => {
    const error = await rejectionOf(
      client.query("update public.birth_registry set certified = true where entity_code = 'ROL-001'"),
    );
    expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
  });
});

describe('other lane roles', () => {
  it('cannot execute birth_lane.mint_birth (no grant to public)', async () => {
    const client = await t.db.connect();
    await client.query(`set role ${LANE_ROLES.producer}`);
    const error = await rejectionOf(
      client.query("select birth_lane.mint_birth('ROL-950', 'species', 'test:role')"),
    );
    await client.query('reset role');
    expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
  });
});

describe('a LOGIN role holding birth_lane_birth mints only through the mint functions', () => {
  const login = `bl_c_birth_${process.pid}_${Date.now().toString(36)}`;
  const password = 'birth-login-password';
  let client: pg.Client;
  beforeAll(async () => {
    await t.db.pool.query(`create role ${login} login password '${password}' in role ${LANE_ROLES.birth}`);
    client = await t.db.connectAs(login, password);
  });
  afterAll(async () => {
    await client.end().catch(() => undefined);
    await t.db.pool.query(`drop role if exists ${login}`);
  });

  it('cannot INSERT even a plain identity row, nor draw a registry id (42501)', async () => {
    const before = await registryCount(t.db.pool);
    const insert = await rejectionOf(
      client.query(
        "insert into public.birth_registry (entity_code, collection_name, dot_origin) values ('LOG-001', 'c', 'o')",
      ),
    );
    expect(sqlStateOf(insert)).toBe(SQLSTATE.insufficientPrivilege);
    const sequence = await rejectionOf(client.query("select nextval('public.birth_registry_id_seq')"));
    expect(sqlStateOf(sequence)).toBe(SQLSTATE.insufficientPrivilege);
    expect(await registryCount(t.db.pool)).toBe(before);
  });

  it('mints in bulk through birth_lane.mint_births, which checks identity like mint_birth', async () => {
    const bulk = await mintBirths(client, [
      { entity_code: 'LOG-002', collection_name: 'species', dot_origin: 'test:login' },
      { entity_code: 'LOG-003', collection_name: 'species', dot_origin: 'test:login' },
    ]);
    expect(bulk.totals).toMatchObject({ minted: 2, existing: 0 });
    const before = await registryCount(t.db.pool);
    const refused = await rejectionOf(
      client.query('select * from birth_lane.mint_births($1::jsonb)', [
        JSON.stringify([
          {
            i: 0,
            entity_code: 'LOG-004',
            collection_name: 'c',
            dot_origin: 'o',
            governance_role: 'governed',
          },
          {
            i: 1,
            entity_code: 'not a code',
            collection_name: 'c',
            dot_origin: 'o',
            governance_role: 'governed',
          },
        ]),
      ]),
    );
    expect(sqlStateOf(refused)).toBe(SQLSTATE.laneViolation);
    expect((refused as Error).message).toMatch(/inputs\.1 .*rule: pattern/);
    expect(await registryCount(t.db.pool)).toBe(before);
  });
});
