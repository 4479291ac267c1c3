import { inspectStateSql } from '@birth-lane/inspect-contract';
import { runProducer } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { installActiveLane } from './install-active-lane.js';

/**
 * The producer (B2) reads a row's stamps with its own SQL, because blocks never depend on each
 * other; the inspect contract (B3) defines what those stamps mean. Composed here, the two must
 * agree on every stamp state: whatever B3 calls ambiguous, B2 leaves alone and records; whatever
 * B3 calls none or partial, B2 continues; complete rows are not touched again.
 */
const t = useTestDatabase({ setupSql: [] });
const SLOT_VALUES = [null, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'];

interface Row {
  id: string;
  state: string;
  inspect_pen: Date | null;
  inspect_stamp: Date | null;
  inspect_gate: Date | null;
  certified: boolean;
}

describe('the producer and the inspect contract read the stud the same way', () => {
  let before: Map<string, Row>;
  let ambiguousReported: number;

  beforeAll(async () => {
    await installActiveLane(t.db);
    const states = SLOT_VALUES.flatMap((pen) =>
      SLOT_VALUES.flatMap((stamp) => SLOT_VALUES.map((gate) => ({ pen, stamp, gate }))),
    );
    // Field history, including states the guards now refuse: planted with the triggers off.
    const client = await t.db.connect();
    try {
      await client.query('set session_replication_role = replica');
      await client.query(
        `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status,
                                            inspect_pen, inspect_stamp, inspect_gate)
         select 'ENT-' || lpad(s.n::text, 4, '0'), 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A small domesticated mammal.', 'active',
                s.pen, s.stamp, s.gate
           from jsonb_to_recordset($1::jsonb) as s(n int, pen timestamptz, stamp timestamptz, gate timestamptz)`,
        [JSON.stringify(states.map((state, index) => ({ n: index + 1, ...state })))],
      );
    } finally {
      await client.end();
    }
    const { rows } = await t.db.pool.query<Row>(
      `select id::text, ${inspectStateSql('inspect_pen', 'inspect_stamp', 'inspect_gate')} as state,
              inspect_pen, inspect_stamp, inspect_gate, certified
         from public.birth_registry order by id`,
    );
    before = new Map(rows.map((row) => [row.id, row]));
    const report = await runProducer(t.db.pool, { channel: 'once' });
    ambiguousReported = report.ambiguous;
  });

  it('covers all 64 stamp states, each of the four kinds present', () => {
    expect(before.size).toBe(64);
    expect(new Set([...before.values()].map((row) => row.state))).toEqual(
      new Set(['none', 'partial', 'complete', 'ambiguous']),
    );
  });

  it('leaves every row B3 calls ambiguous untouched, and reports exactly those as ambiguous', async () => {
    const { rows } = await t.db.pool.query<Row>(
      'select id::text, inspect_pen, inspect_stamp, inspect_gate, certified from public.birth_registry',
    );
    const { rows: recorded } = await t.db.pool.query<{ row_id: string }>(
      "select row_id::text from birth_lane.evidence where kind = 'ambiguous_row'",
    );
    const ambiguous = [...before.values()].filter((row) => row.state === 'ambiguous');
    expect(ambiguousReported).toBe(ambiguous.length);
    expect(new Set(recorded.map((row) => row.row_id))).toEqual(new Set(ambiguous.map((row) => row.id)));
    for (const row of rows.filter((candidate) => before.get(candidate.id)!.state === 'ambiguous')) {
      const original = before.get(row.id)!;
      expect([row.inspect_pen, row.inspect_stamp, row.inspect_gate, row.certified]).toEqual([
        original.inspect_pen,
        original.inspect_stamp,
        original.inspect_gate,
        false,
      ]);
    }
  });

  it('continues every row B3 calls none or partial to a certified, complete row, keeping the stamps it had', async () => {
    const { rows } = await t.db.pool.query<Row>(
      `select id::text, ${inspectStateSql('inspect_pen', 'inspect_stamp', 'inspect_gate')} as state,
              inspect_pen, inspect_stamp, inspect_gate, certified
         from public.birth_registry`,
    );
    for (const row of rows) {
      const original = before.get(row.id)!;
      if (original.state !== 'none' && original.state !== 'partial') continue;
      expect(row.state).toBe('complete');
      expect(row.certified).toBe(true);
      for (const slot of ['inspect_pen', 'inspect_stamp', 'inspect_gate'] as const) {
        if (original[slot] !== null) expect(row[slot]).toEqual(original[slot]);
      }
    }
  });
});
