import { randomBytes } from 'node:crypto';
import { IDENTITY_KEY_REMOVED_RANGES, LANE_ROLES, SQLSTATE } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalCollectionKey, listCanonicalCollections, setCanonicalCollections } from '../src/index.js';
import { mint, refusal, SETUP_SQL, stampInOrder, stateOf } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL, name: 'certify-canonical' });

const LOOK_ALIKES = [
  'Kernel',
  ' kernel ',
  'KERNEL',
  'kernel\u00a0', // no-break space
  '\uff4b\uff45\uff52\uff4e\uff45\uff4c', // full width
  'ker\u200bnel', // zero-width space
  'kernel\u2063', // invisible separator (review H2)
  'kern\u034Fel', // combining grapheme joiner
  'kernel\u200E', // left-to-right mark
  'kernel\uFE0F', // variation selector 16
  'ker\u{E0020}nel', // tag space
];

beforeAll(async () => {
  await setCanonicalCollections(t.db.pool, ['kernel']);
});

async function requestCount(rowId: string): Promise<number> {
  const { rows } = await t.db.pool.query<{ n: number }>(
    "select count(*)::int as n from birth_lane.approval_requests where action = 'promotion' and scope = $1::jsonb",
    [JSON.stringify({ rowId })],
  );
  return rows[0]!.n;
}

describe('canonical membership compares normalised names', () => {
  it.each(LOOK_ALIKES)(
    'a row of collection %j gets a promotion request, not a certification',
    async (name) => {
      const row = await mint(t.db.pool, { collection: name });
      await stampInOrder(t.db.pool, row.id);
      expect((await stateOf(t.db.pool, row.id)).certified).toBe(false);
      expect(await requestCount(row.id)).toBe(1);
    },
  );

  it('a different collection still certifies itself', async () => {
    const row = await mint(t.db.pool, { collection: 'kernels' });
    await stampInOrder(t.db.pool, row.id);
    expect((await stateOf(t.db.pool, row.id)).certified).toBe(true);
    expect(await requestCount(row.id)).toBe(0);
  });

  it('a spelling of a configured key is the same collection: set keeps one, list shows the key', async () => {
    await setCanonicalCollections(t.db.pool, ['kernel', 'KERNEL']);
    const listed = await listCanonicalCollections(t.db.pool);
    expect(listed.map((entry) => [entry.collectionName, entry.key])).toEqual([['kernel', 'kernel']]);
    const duplicate = await refusal(
      t.db.pool.query("insert into birth_lane.canonical_collections (collection_name) values ('Kernel')"),
    );
    expect(duplicate.code).toBe(SQLSTATE.uniqueViolation);
  });

  it('the SQL rule and canonicalCollectionKey agree on 2,000 generated names', async () => {
    // A fixed alphabet of the characters the rule is about, drawn with a seeded generator so a
    // failure reproduces.
    const alphabet = [
      ...'kKeErRnNlL aZ_-.0',
      '\t',
      '\n',
      '\u00a0',
      '\u2003',
      '\u3000',
      '\u200b',
      '\u00ad',
      '\ufeff',
      '\uff2b',
      '\uff4b',
      '\u212a', // Kelvin sign: NFKC gives K
      'É',
      'é',
      'ß',
      '\u0130',
      '\u1e9e',
      // Every code point (range ends) of the identity key's removed class: the canonical rule
      // removes the invisible ones and keeps white space as one space.
      ...IDENTITY_KEY_REMOVED_RANGES.flatMap(([from, to]) => [
        String.fromCodePoint(from),
        String.fromCodePoint(to),
      ]),
      '\u2063',
      '\u034f',
      '\u200e',
      '\ufe0f',
      '\uffa0',
      '\u00a8', // NFKC gives a space and a combining diaeresis
    ];
    let seed = 42;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    const names = Array.from({ length: 2000 }, () =>
      Array.from({ length: 1 + (next() % 12) }, () => alphabet[next() % alphabet.length]).join(''),
    );
    const { rows } = await t.db.pool.query<{ key: string }>(
      'select birth_lane.canonical_collection_key(name) as key from unnest($1::text[]) with ordinality as n(name, i) order by i',
      [names],
    );
    const disagreements = names
      .map((name, index) => ({ name, sql: rows[index]!.key, ts: canonicalCollectionKey(name) }))
      .filter((entry) => entry.sql !== entry.ts);
    expect(disagreements).toEqual([]);
  });
});

describe('file_promotion_request runs only from the certify trigger', () => {
  const clients: { login: string; client: pg.Client }[] = [];

  async function loginWith(role: string | null): Promise<pg.Client> {
    const login = `bl_c_fpr_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await t.db.pool.query(
      `create role ${login} login password '${password}'${role ? ` in role ${role}` : ''}`,
    );
    const client = await t.db.connectAs(login, password);
    clients.push({ login, client });
    return client;
  }

  afterAll(async () => {
    for (const { login, client } of clients) {
      await client.end().catch(() => undefined);
      await t.db.pool.query(`drop role if exists ${login}`);
    }
  });

  const CALL = `select birth_lane.file_promotion_request(r) from public.birth_registry r where r.id = $1::bigint`;

  it('is not executable by PUBLIC nor by any lane role', async () => {
    const row = await mint(t.db.pool, { collection: 'kernel' });
    for (const role of [null, ...Object.values(LANE_ROLES)]) {
      const client = await loginWith(role);
      const error = await refusal(client.query(CALL, [row.id]));
      expect(error.code, String(role)).toBe(SQLSTATE.insufficientPrivilege);
    }
    expect(await requestCount(row.id)).toBe(0);
  });

  it('refuses a direct call even by the owner', async () => {
    const row = await mint(t.db.pool, { collection: 'kernel' });
    const direct = await refusal(t.db.pool.query(CALL, [row.id]));
    expect(direct).toMatchObject({
      code: SQLSTATE.laneViolation,
      constraint: 'promotion_request_from_trigger',
    });
    expect(await requestCount(row.id)).toBe(0);
  });
});

describe('every change to the canonical collections is on record (review M7)', () => {
  async function changes(): Promise<{ payload: Record<string, unknown>; recorded_by: string }[]> {
    const { rows } = await t.db.pool.query<{
      payload: { payload: Record<string, unknown> };
      recorded_by: string;
    }>(
      "select payload, recorded_by from birth_lane.evidence where kind = 'note' and check_id = 'certify.canonical_changed' order by id",
    );
    return rows.map((row) => ({ payload: row.payload.payload, recorded_by: row.recorded_by }));
  }

  it('canonical set, a direct INSERT, DELETE and TRUNCATE each append certify.canonical_changed; a no-op appends nothing', async () => {
    await setCanonicalCollections(t.db.pool, ['kernel']);
    const { rows } = await t.db.pool.query<{ me: string }>('select session_user::text as me');
    const me = rows[0]!.me;
    const start = (await changes()).length;

    await setCanonicalCollections(t.db.pool, ['Kernel', 'Core']);
    await setCanonicalCollections(t.db.pool, ['kernel', 'core']); // same keys: nothing to record
    await t.db.pool.query("insert into birth_lane.canonical_collections (collection_name) values ('extra')");
    await t.db.pool.query("delete from birth_lane.canonical_collections where collection_name = 'Core'");
    await t.db.pool.query('truncate birth_lane.canonical_collections');
    await setCanonicalCollections(t.db.pool, ['kernel']);

    const recorded = (await changes()).slice(start);
    expect(recorded.map((entry) => [entry.payload['before'], entry.payload['after']])).toEqual([
      [['kernel'], ['core', 'kernel']],
      [
        ['core', 'kernel'],
        ['core', 'extra', 'kernel'],
      ],
      [
        ['core', 'extra', 'kernel'],
        ['extra', 'kernel'],
      ],
      [['extra', 'kernel'], []],
      [[], ['kernel']],
    ]);
    expect(recorded[0]!.payload).toMatchObject({
      added: ['core'],
      removed: [],
      afterNames: ['Core', 'kernel'],
      sessionUser: me,
    });
    expect(recorded.every((entry) => entry.recorded_by === me && entry.payload['sessionUser'] === me)).toBe(
      true,
    );
  });
});
