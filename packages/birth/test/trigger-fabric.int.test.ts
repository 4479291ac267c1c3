import {
  BIRTH_NOTIFY_CHANNEL,
  contractSteps,
  LANE_ROLES,
  quoteLiteral,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { birthSteps } from '../src/birth-steps.js';
import { birthTriggerFabricSql, birthTriggerSql } from '../src/birth-trigger.js';
import { mintBirth, mintBirths } from '../src/mint-births.js';
import { registryCount, rejectionOf } from './helpers.js';

const t = useTestDatabase({ setupSql: [...contractSteps, ...birthSteps].map((step) => step.mutation) });

/** Everything a separate, LISTENing session has heard on the birth channel, in arrival order. */
let listener: pg.Client;
const heard: string[] = [];
let syncs = 0;

beforeAll(async () => {
  listener = await t.db.connect();
  listener.on('notification', (message) => {
    if (message.channel === BIRTH_NOTIFY_CHANNEL) heard.push(message.payload ?? '');
  });
  await listener.query(`listen ${BIRTH_NOTIFY_CHANNEL}`);
});

/**
 * Sends a marker on the channel and waits for the listener to hear it. Notifications are delivered
 * in commit order, so once the marker is heard, everything committed before it has been heard too.
 */
async function sync(): Promise<void> {
  const marker = `sync-${++syncs}`;
  await t.db.pool.query('select pg_notify($1::text, $2::text)', [BIRTH_NOTIFY_CHANNEL, marker]);
  const deadline = Date.now() + 5_000;
  while (!heard.includes(marker)) {
    if (Date.now() > deadline) throw new Error(`the listener never heard ${marker}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `work` and returns exactly the birth ids announced by what it committed, in id order. */
async function announcedDuring(work: () => Promise<unknown>): Promise<string[]> {
  await sync();
  const start = heard.length;
  await work();
  await sync();
  return heard
    .slice(start)
    .filter((payload) => !payload.startsWith('sync-'))
    .sort((a, b) => Number(a) - Number(b));
}

async function idsOf(codes: string[]): Promise<string[]> {
  const { rows } = await t.db.pool.query<{ id: string }>(
    'select id::text from public.birth_registry where entity_code = any($1::text[]) order by id',
    [codes],
  );
  return rows.map((row) => row.id);
}

describe('a generated birth trigger on public.sample_species', () => {
  beforeAll(async () => {
    await t.db.pool.query(`create table public.sample_species (
      id serial primary key, code text, coll text, label text, created_at timestamptz, state text)`);
    const trigger = birthTriggerSql({
      sourceTable: { schema: 'public', name: 'sample_species' },
      mapping: {
        entity_code: 'code',
        collection_name: 'coll',
        dot_origin: { literal: 'source:sample_species' },
        name: 'label',
        born_at: 'created_at',
        status: 'state',
      },
    });
    await t.db.pool.query(trigger.createSql);
  });

  it('mints one registry row per inserted source row, announcing each birth once with its id', async () => {
    const before = await registryCount(t.db.pool);
    const heardIds = await announcedDuring(() =>
      t.db.pool.query(`insert into public.sample_species (code, coll, label, created_at, state) values
        ('SMP-001', 'species', 'Cat', '2020-01-01T00:00:00Z', 'alive'),
        ('SMP-002', 'species', 'Dog', null, null),
        ('SMP-003', 'genus', null, null, null)`),
    );
    expect(await registryCount(t.db.pool)).toBe(before + 3);
    const ids = await idsOf(['SMP-001', 'SMP-002', 'SMP-003']);
    expect(ids).toHaveLength(3);
    expect(heardIds).toEqual(ids);

    const { rows } = await t.db.pool.query(
      "select * from public.birth_registry where entity_code = 'SMP-001'",
    );
    expect(rows[0]).toMatchObject({
      collection_name: 'species',
      dot_origin: 'source:sample_species',
      governance_role: 'governed',
      name: 'Cat',
      status: 'alive',
      born_at: new Date('2020-01-01T00:00:00Z'),
      certified: false,
      inspect_pen: null,
    });
  });

  it('mints nothing and announces nothing for a source row whose code is already born', async () => {
    const before = await registryCount(t.db.pool);
    const heardIds = await announcedDuring(() =>
      t.db.pool.query("insert into public.sample_species (code, coll) values ('SMP-001', 'elsewhere')"),
    );
    expect(heardIds).toEqual([]);
    expect(await registryCount(t.db.pool)).toBe(before);
  });

  it('refuses a source row with invalid identity (BL001): neither table changes', async () => {
    const before = await registryCount(t.db.pool);
    const { rows: sourceBefore } = await t.db.pool.query(
      'select count(*)::int as n from public.sample_species',
    );
    for (const values of ["('smp-9', 'species')", "('SMP-900', null)", "(null, 'species')"]) {
      const error = await rejectionOf(
        t.db.pool.query(`insert into public.sample_species (code, coll) values ${values}`),
      );
      expect(sqlStateOf(error)).toBe(SQLSTATE.laneViolation);
    }
    expect(await registryCount(t.db.pool)).toBe(before);
    const { rows: sourceAfter } = await t.db.pool.query(
      'select count(*)::int as n from public.sample_species',
    );
    expect(sourceAfter).toEqual(sourceBefore);
  });

  it('mints whatever role writes the source table, though that role cannot write the registry', async () => {
    await t.db.pool.query(`grant insert on public.sample_species to ${LANE_ROLES.producer};
      grant usage on sequence public.sample_species_id_seq to ${LANE_ROLES.producer}`);
    const writer = await t.db.connect();
    await writer.query(`set role ${LANE_ROLES.producer}`);
    const direct = await rejectionOf(
      writer.query(
        "insert into public.birth_registry (entity_code, collection_name, dot_origin) values ('SMP-800', 'c', 'o')",
      ),
    );
    expect(sqlStateOf(direct)).toBe(SQLSTATE.insufficientPrivilege);
    const heardIds = await announcedDuring(() =>
      writer.query("insert into public.sample_species (code, coll) values ('SMP-801', 'species')"),
    );
    await writer.query('reset role');
    expect(heardIds).toEqual(await idsOf(['SMP-801']));
    expect(heardIds).toHaveLength(1);
  });
});

describe('trg_birth_announce covers every minting path', () => {
  it('announces each row of a bulk mint once, and nothing for existing rows', async () => {
    const inputs = Array.from({ length: 200 }, (_, i) => ({
      entity_code: `BLK-${String(i).padStart(4, '0')}`,
      collection_name: 'species',
      dot_origin: 'test:announce',
    }));
    await mintBirth(t.db.pool, inputs[0]!);
    let minted: string[] = [];
    const heardIds = await announcedDuring(async () => {
      const result = await mintBirths(t.db.pool, inputs);
      minted = result.results.filter((outcome) => outcome.outcome === 'minted').map((outcome) => outcome.id);
    });
    expect(minted).toHaveLength(199);
    expect(heardIds).toEqual(minted.sort((a, b) => Number(a) - Number(b)));
  });

  it('announces a birth minted by birth_lane.mint_birth, and not its idempotent repeat', async () => {
    let id = '';
    const first = await announcedDuring(async () => {
      const { rows } = await t.db.pool.query(
        "select birth_lane.mint_birth('ANN-001', 'species', 'test:announce')::text as id",
      );
      id = rows[0].id;
    });
    expect(first).toEqual([id]);
    const repeat = await announcedDuring(() =>
      t.db.pool.query("select birth_lane.mint_birth('ANN-001', 'species', 'test:announce')"),
    );
    expect(repeat).toEqual([]);
  });

  it('announces nothing for a rolled-back birth', async () => {
    const heardIds = await announcedDuring(async () => {
      const client = await t.db.connect();
      await client.query('begin');
      await client.query("select birth_lane.mint_birth('ANN-002', 'species', 'test:announce')");
      await client.query('rollback');
    });
    expect(heardIds).toEqual([]);
  });
});

describe('generated SQL with awkward names and literals', () => {
  it('quotes a table and columns holding double quotes, and literals holding quotes and backslashes', async () => {
    await t.db.pool.query(`create schema "odd""schema";
      create table "odd""schema"."tab""le" ("co""de" text, "$birth$" text)`);
    const trigger = birthTriggerSql({
      sourceTable: { schema: 'odd"schema', name: 'tab"le' },
      mapping: {
        entity_code: 'co"de',
        collection_name: { literal: "it's; drop table public.birth_registry; --" },
        dot_origin: { literal: 'C:\\origin\\$birth$' },
        name: '$birth$',
      },
    });
    await t.db.pool.query(trigger.createSql);
    await t.db.pool.query(`insert into "odd""schema"."tab""le" values ('ODD-001', 'named')`);
    const { rows } = await t.db.pool.query(
      "select collection_name, dot_origin, name from public.birth_registry where entity_code = 'ODD-001'",
    );
    expect(rows[0]).toEqual({
      collection_name: "it's; drop table public.birth_registry; --",
      dot_origin: 'C:\\origin\\$birth$',
      name: 'named',
    });

    await t.db.pool.query(trigger.dropSql);
    const { rows: left } = await t.db.pool.query(
      `select (select count(*)::int from pg_trigger where tgrelid = '"odd""schema"."tab""le"'::regclass and not tgisinternal) as triggers,
              (select count(*)::int from pg_proc where proname = $1::text) as functions`,
      [trigger.functionName],
    );
    expect(left[0]).toEqual({ triggers: 0, functions: 0 });
  });

  it.each(['on', 'off'])(
    'quoteLiteral round-trips any text with standard_conforming_strings %s',
    async (setting) => {
      const client = await t.db.connect();
      await client.query(`set standard_conforming_strings = ${setting}; set escape_string_warning = off`);
      const tricky = fc.string({
        unit: fc.constantFrom("'", '\\', '"', '$', 'a', 'é', '\n', '😀', 'E'),
        maxLength: 30,
      });
      const anyText = fc.string({ unit: 'binary', maxLength: 30 });
      await fc.assert(
        fc.asyncProperty(
          fc
            .oneof(tricky, anyText)
            .filter((text) => !text.includes('\u0000') && Buffer.from(text).toString() === text),
          async (text) => {
            const { rows } = await client.query(`select ${quoteLiteral(text)}::text as value`);
            expect(rows[0].value).toBe(text);
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});

describe('birthTriggerFabricSql', () => {
  const tables = ['fab_alpha', 'fab_beta', 'fab_gamma'];

  afterAll(async () => {
    await t.db.pool.query(`drop table if exists ${tables.map((name) => `public.${name}`).join(', ')}`);
  });

  it('installs a trigger per source table in one script, and its drop script removes them all', async () => {
    for (const name of tables) await t.db.pool.query(`create table public.${name} (code text)`);
    const fabric = birthTriggerFabricSql(
      tables.map((name) => ({
        sourceTable: { schema: 'public', name },
        mapping: {
          entity_code: 'code',
          collection_name: { literal: name },
          dot_origin: { literal: `source:${name}` },
        },
      })),
    );
    await t.db.pool.query(fabric.createSql);
    await t.db.pool.query(fabric.createSql); // re-applying is harmless

    const heardIds = await announcedDuring(async () => {
      for (const [i, name] of tables.entries()) {
        await t.db.pool.query(`insert into public.${name} (code) values ($1::text)`, [`FAB-00${i}`]);
      }
    });
    expect(heardIds).toEqual(await idsOf(['FAB-000', 'FAB-001', 'FAB-002']));
    const { rows } = await t.db.pool.query(
      "select entity_code, collection_name from public.birth_registry where entity_code like 'FAB-%' order by entity_code",
    );
    expect(rows).toEqual(tables.map((name, i) => ({ entity_code: `FAB-00${i}`, collection_name: name })));

    await t.db.pool.query(fabric.dropSql);
    const before = await registryCount(t.db.pool);
    await t.db.pool.query("insert into public.fab_alpha (code) values ('FAB-100')");
    expect(await registryCount(t.db.pool)).toBe(before);
    const { rows: functions } = await t.db.pool.query(
      "select count(*)::int as n from pg_proc where proname like 'fn_birth_fab_%'",
    );
    expect(functions[0].n).toBe(0);
  });
});
