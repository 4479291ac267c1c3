import { type ProductionSnapshot, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { takeSnapshot } from '../src/index.js';
import { createLogin, dataOf, SETUP_SQL, seedAndSettle, seedRows } from './support.js';

const ROWS = 3000;
const test = useTestDatabase({ setupSql: SETUP_SQL, name: 'prover_snapshot' });

describe('takeSnapshot', () => {
  let base: ProductionSnapshot;

  beforeAll(async () => {
    await seedAndSettle(test.db, 1, ROWS);
    await test.db.pool.query('vacuum analyze public.birth_registry');
    base = await takeSnapshot(test.db.pool, { bucketSize: 64 });
  });

  it('reads the counts of every watched column', async () => {
    const { rows } = await test.db.pool.query<Record<string, number>>(
      `select count(*)::int as rows, count(inspect_pen)::int as pen, count(inspect_stamp)::int as stamp,
              count(inspect_gate)::int as gate, count(*) filter (where certified)::int as certified,
              count(certified_at)::int as certified_at, max(id)::int as max_id
         from public.birth_registry`,
    );
    const expected = rows[0]!;
    expect(base.rowCount).toBe(ROWS);
    expect(base.maxId).toBe(String(expected.max_id));
    expect(base.stampCounts).toEqual({ pen: expected.pen, stamp: expected.stamp, gate: expected.gate });
    expect(base.certifiedCount).toBe(expected.certified);
    expect(base.certifiedAtCount).toBe(expected.certified_at);
    // Buckets of 64 ids: 1…3000 falls into buckets 0…46.
    expect(base.buckets.entries.map((entry) => entry[0])).toEqual(
      Array.from({ length: 47 }, (_, i) => String(i)),
    );
  });

  it('gives an unchanged table the same figures again, with one session or two and any chunk size', async () => {
    const again = await takeSnapshot(test.db.pool, { since: base, bucketSize: 64, sessions: 1 });
    // 40 rows per chunk: dozens of chunks and the open-ended tail, read by two sessions.
    const chunked = await takeSnapshot(test.db.pool, {
      since: base,
      bucketSize: 64,
      sessions: 2,
      chunkRows: 40,
    });
    expect(dataOf(again)).toEqual(dataOf(base));
    expect(dataOf(chunked)).toEqual(dataOf(base));
  });

  it('does not depend on the physical order of the rows (rewritten in reverse, then CLUSTER, then VACUUM FULL)', async () => {
    const firstPhysicalId = async () =>
      (
        await test.db.pool.query<{ id: string }>(
          'select id::text as id from public.birth_registry order by ctid limit 1',
        )
      ).rows[0]!.id;
    const client = await test.db.connect();
    try {
      await client.query('begin');
      await client.query(
        'create temporary table shuffled on commit drop as select * from public.birth_registry',
      );
      await client.query('delete from public.birth_registry');
      await client.query('insert into public.birth_registry select * from shuffled order by id desc');
      await client.query('commit');
    } finally {
      await client.end();
    }
    // The rewrite really moved the rows: the first physical row is no longer id 1.
    expect(await firstPhysicalId()).not.toBe('1');
    expect(dataOf(await takeSnapshot(test.db.pool, { since: base, bucketSize: 64, chunkRows: 500 }))).toEqual(
      dataOf(base),
    );

    await test.db.pool.query('create index birth_registry_by_name on public.birth_registry (name)');
    await test.db.pool.query('cluster public.birth_registry using birth_registry_by_name');
    // Clustered by name ("Entity 1", "Entity 10", "Entity 100", …): another order again.
    expect(await firstPhysicalId()).toBe('1');
    expect(
      (await test.db.pool.query('select id from public.birth_registry order by ctid offset 1 limit 1'))
        .rows[0].id,
    ).toBe('10');
    expect(dataOf(await takeSnapshot(test.db.pool, { since: base, bucketSize: 64, chunkRows: 500 }))).toEqual(
      dataOf(base),
    );

    await test.db.pool.query('vacuum full public.birth_registry');
    expect(dataOf(await takeSnapshot(test.db.pool, { since: base, bucketSize: 64, chunkRows: 500 }))).toEqual(
      dataOf(base),
    );
    await test.db.pool.query('drop index public.birth_registry_by_name');
  });

  it('reports absent KG tables as null and counts the ones that exist', async () => {
    expect(base.kgTableCounts).toEqual({ 'public.universal_edges': null, 'public.provenance': null });
    await test.db.pool.query('create schema if not exists kg');
    await test.db.pool.query('create table kg.edges (id int)');
    await test.db.pool.query('insert into kg.edges select generate_series(1, 5000)');
    await test.db.pool.query('analyze kg.edges');
    const snapshot = await takeSnapshot(test.db.pool, { kgTables: ['kg.edges', 'universal_edges'] });
    expect(snapshot.kgTableCounts).toEqual({ 'kg.edges': 5000, 'public.universal_edges': null });
    // Counted in chunks of pages (10 × 40 rows a chunk here: a dozen chunks and the tail), the same total.
    const chunked = await takeSnapshot(test.db.pool, { kgTables: ['kg.edges'], chunkRows: 40 });
    expect(chunked.kgTableCounts).toEqual({ 'kg.edges': 5000 });
    // A KG "table" that is a view has no pages to cut: counted in one statement.
    await test.db.pool.query('create view kg.edge_view as select * from kg.edges where id <= 10');
    expect((await takeSnapshot(test.db.pool, { kgTables: ['kg.edge_view'] })).kgTableCounts).toEqual({
      'kg.edge_view': 10,
    });
    expect(snapshot.writeCounters.tables['public.universal_edges']).toBeUndefined();
    expect(Object.keys(snapshot.writeCounters.tables)).toEqual(['public.birth_registry', 'kg.edges']);
    await test.db.pool.query('drop schema kg cascade');
  });

  it('refuses a KG table name that is not a plain identifier, naming the field', async () => {
    await expect(takeSnapshot(test.db.pool, { kgTables: ['edges; drop table x'] })).rejects.toThrow(
      /kgTables\.0.*pattern/s,
    );
  });

  it('runs as a login holding only birth_lane_reader, and a login without it is refused by the database', async () => {
    const reader = await createLogin(test.db, 'birth_lane_reader');
    const stranger = await createLogin(test.db, null);
    try {
      const snapshot = await takeSnapshot(reader.pool, { since: base, bucketSize: 64 });
      expect(snapshot.takenBy).toBe(reader.login);
      expect(dataOf(snapshot)).toEqual(dataOf(base));
      const refused = await takeSnapshot(stranger.pool).catch((error: unknown) => error);
      expect(sqlStateOf(refused)).toBe(SQLSTATE.insufficientPrivilege);
    } finally {
      await reader.end();
      await stranger.end();
    }
  });

  it('takes all chunks from one consistent state while another session commits between them', async () => {
    const writer = await test.db.connect();
    // A fresh before: the earlier tests rewrote every row since `base` (which its after sees, rightly).
    const fresh = await takeSnapshot(test.db.pool, { bucketSize: 64 });
    try {
      let wrote = false;
      const snapshot = await takeSnapshot(test.db.pool, {
        since: fresh,
        bucketSize: 64,
        chunkRows: 200,
        // After the first chunk: a new row at the end, and row 1 (read already) moved to a new version.
        onProgress: async ({ chunksDone }) => {
          if (chunksDone !== 1 || wrote) return;
          wrote = true;
          await seedRows(writer, ROWS + 1, ROWS + 1);
          await writer.query("update public.birth_registry set owner = 'moved' where id = 1");
        },
      });
      expect(wrote).toBe(true);
      // Read committed per chunk would count the new row (and row 1's new version, if it lands on a later page).
      expect(dataOf(snapshot)).toEqual(dataOf(fresh));
      // Nor anything written since the fresh before: its own snapshot predates the writes.
      expect(snapshot.since).toMatchObject({ snapshotId: fresh.snapshotId, writtenRows: 0, writtenIds: [] });
    } finally {
      await writer.query('delete from public.birth_registry where id = $1::bigint', [ROWS + 1]);
      await writer.query('update public.birth_registry set owner = null where id = 1');
    }
  });
});
