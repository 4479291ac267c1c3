import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { mint, SETUP_SQL, stampInOrder, stateOf } from './support.js';

const t = useTestDatabase({ setupSql: SETUP_SQL, name: 'certify' });

describe('completing the three stamps in order', () => {
  it('certifies the row inside the transaction of the last stamp UPDATE, atomically', async () => {
    const { id } = await mint(t.db.pool);
    const client = await t.db.connect();
    try {
      await client.query('begin');
      await client.query(
        'update public.birth_registry set inspect_pen = clock_timestamp() where id = $1::bigint',
        [id],
      );
      expect((await stateOf(client, id)).certified).toBe(false);
      await client.query(
        'update public.birth_registry set inspect_stamp = clock_timestamp() where id = $1::bigint',
        [id],
      );
      expect((await stateOf(client, id)).certified).toBe(false);
      const { rows } = await client.query<{ certified: boolean; certified_at: Date | null; tx_now: Date }>(
        `update public.birth_registry set inspect_gate = clock_timestamp() where id = $1::bigint
         returning certified, certified_at, now() as tx_now`,
        [id],
      );
      expect(rows[0]?.certified).toBe(true);
      expect(rows[0]?.certified_at).toEqual(rows[0]?.tx_now);
      // Not yet committed: another session still sees the row uncertified.
      expect((await stateOf(t.db.pool, id)).certified).toBe(false);
      await client.query('commit');
    } finally {
      await client.end();
    }
    const after = await stateOf(t.db.pool, id);
    expect(after.certified).toBe(true);
    expect(after.certified_at).toBeInstanceOf(Date);
  });

  it('rolls back with the stamps: a stamp UPDATE that is rolled back leaves no certification behind', async () => {
    const { id } = await mint(t.db.pool);
    const client = await t.db.connect();
    try {
      await client.query('begin');
      await client.query(
        'update public.birth_registry set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now() where id = $1::bigint',
        [id],
      );
      expect((await stateOf(client, id)).certified).toBe(true);
      await client.query('rollback');
    } finally {
      await client.end();
    }
    expect(await stateOf(t.db.pool, id)).toMatchObject({
      certified: false,
      certified_at: null,
      inspect_gate: null,
    });
  });

  it('certifies when one UPDATE sets all three stamps (equal times are in order)', async () => {
    const { id } = await mint(t.db.pool);
    await t.db.pool.query(
      'update public.birth_registry set inspect_pen = now(), inspect_stamp = now(), inspect_gate = now() where id = $1::bigint',
      [id],
    );
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
  });

  it('certifies over three separate transactions', async () => {
    const { id } = await mint(t.db.pool);
    await stampInOrder(t.db.pool, id);
    const state = await stateOf(t.db.pool, id);
    expect(state.certified).toBe(true);
    expect(state.certified_at!.getTime()).toBeGreaterThanOrEqual(state.inspect_gate!.getTime() - 1000);
  });
});

describe('never certifies a partial or ambiguous row', () => {
  const cases: [string, string][] = [
    ['PEN only', 'inspect_pen = now()'],
    ['PEN + STAMP', 'inspect_pen = now(), inspect_stamp = now()'],
    ['GATE without PEN', 'inspect_gate = now()'],
    ['STAMP + GATE without PEN', 'inspect_stamp = now(), inspect_gate = now()'],
    ['PEN + GATE without STAMP', 'inspect_pen = now(), inspect_gate = now()'],
    [
      'all three, GATE before PEN',
      "inspect_pen = now(), inspect_stamp = now(), inspect_gate = now() - interval '1 hour'",
    ],
    [
      'all three, STAMP before PEN',
      "inspect_pen = now(), inspect_stamp = now() - interval '1 minute', inspect_gate = now()",
    ],
    [
      'all three, GATE before STAMP',
      "inspect_pen = now() - interval '2 minutes', inspect_stamp = now(), inspect_gate = now() - interval '1 minute'",
    ],
  ];

  it.each(cases)('%s', async (_label, assignments) => {
    const { id } = await mint(t.db.pool);
    await t.db.pool.query(`update public.birth_registry set ${assignments} where id = $1::bigint`, [id]);
    const state = await stateOf(t.db.pool, id);
    expect(state).toMatchObject({ certified: false, certified_at: null });
    // A later, unrelated update does not certify it either.
    await t.db.pool.query("update public.birth_registry set description = 'touched' where id = $1::bigint", [
      id,
    ]);
    expect((await stateOf(t.db.pool, id)).certified).toBe(false);
  });

  it('a partial row certifies once it is completed in order', async () => {
    const { id } = await mint(t.db.pool);
    await t.db.pool.query('update public.birth_registry set inspect_pen = now() where id = $1::bigint', [id]);
    expect((await stateOf(t.db.pool, id)).certified).toBe(false);
    await t.db.pool.query(
      'update public.birth_registry set inspect_stamp = clock_timestamp(), inspect_gate = clock_timestamp() where id = $1::bigint',
      [id],
    );
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
  });
});

describe('an observed row', () => {
  it('is not certified even with complete stamps in order', async () => {
    const { id } = await mint(t.db.pool, { governanceRole: 'observed' });
    await stampInOrder(t.db.pool, id);
    expect(await stateOf(t.db.pool, id)).toMatchObject({ certified: false, certified_at: null });
    const requests = await t.db.pool.query(
      'select 1 from birth_lane.approval_requests where scope = $1::jsonb',
      [JSON.stringify({ rowId: id })],
    );
    expect(requests.rowCount).toBe(0);
  });
});

describe('writes nothing but the certified pair', () => {
  it('appends no evidence and no approval request for an ordinary certification', async () => {
    const count = async () =>
      (
        await t.db.pool.query<{ n: number }>(
          'select (select count(*) from birth_lane.evidence)::int + (select count(*) from birth_lane.approval_requests)::int as n',
        )
      ).rows[0]!.n;
    const before = await count();
    const { id } = await mint(t.db.pool);
    await stampInOrder(t.db.pool, id);
    expect((await stateOf(t.db.pool, id)).certified).toBe(true);
    expect(await count()).toBe(before);
  });
});
