import { contractSteps } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { inspectContractSteps } from '../src/index.js';
import { expectRefused, insertBypassingGuard, storedRow } from './helpers.js';

const t = useTestDatabase({
  setupSql: [...contractSteps, ...inspectContractSteps].map((step) => step.mutation),
});

const t0 = new Date('2025-03-01T10:00:00.000Z');
const t1 = new Date('2025-03-01T10:00:01.000Z');
const t2 = new Date('2025-03-01T10:00:02.000Z');
const t5 = new Date('2025-03-01T10:00:05.000Z');

/**
 * Runs `update … set <assignments>` on row `id` in a transaction that holds the sanctioned-clear
 * marker (as backlog_rollback_step does; the test user owns the marker table) or not, and rolls
 * back a refused write so the row is left as it was.
 */
async function clearing(id: string, assignments: string, values: unknown[], marker = true): Promise<void> {
  const client: pg.PoolClient = await t.db.pool.connect();
  try {
    await client.query('begin');
    if (marker) {
      await client.query(
        'insert into birth_lane.stamp_clear_in_progress (xact_id, run_id) values (pg_current_xact_id(), gen_random_uuid())',
      );
    }
    await client.query(`update public.birth_registry set ${assignments} where id = $1::bigint`, [
      id,
      ...values,
    ]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

const full = { inspect_pen: t0, inspect_stamp: t1, inspect_gate: t2 };

describe('the sanctioned clear (an approved backlog rollback): only to NULL, latest stage first, never a change', () => {
  it('clears GATE alone, then STAMP and GATE together, inside the marker transaction', async () => {
    const gateOnly = await insertBypassingGuard(t.db.pool, full, 'clear-gate');
    await clearing(gateOnly, 'inspect_gate = null', []);
    expect(await storedRow(t.db.pool, gateOnly)).toMatchObject({
      inspect_pen: t0,
      inspect_stamp: t1,
      inspect_gate: null,
    });
    const twoStages = await insertBypassingGuard(t.db.pool, full, 'clear-two');
    await clearing(twoStages, 'inspect_stamp = null, inspect_gate = null', []);
    expect(await storedRow(t.db.pool, twoStages)).toMatchObject({
      inspect_pen: t0,
      inspect_stamp: null,
      inspect_gate: null,
    });
  });

  it('refuses the same clear without the marker', async () => {
    const id = await insertBypassingGuard(t.db.pool, full, 'no-marker');
    await expectRefused(clearing(id, 'inspect_gate = null', [], false), 'stamp_cleared', 'inspect_gate');
    expect(await storedRow(t.db.pool, id)).toMatchObject(full);
  });

  it('refuses clearing an earlier stage under a later one (the row must stay a valid prefix)', async () => {
    const penUnderStamp = await insertBypassingGuard(t.db.pool, full, 'pen-under');
    await expectRefused(clearing(penUnderStamp, 'inspect_pen = null', []), 'stamp_cleared', 'inspect_pen');
    expect(await storedRow(t.db.pool, penUnderStamp)).toMatchObject(full);
    const stampUnderGate = await insertBypassingGuard(t.db.pool, full, 'stamp-under');
    await expectRefused(
      clearing(stampUnderGate, 'inspect_stamp = null', []),
      'stamp_cleared',
      'inspect_stamp',
    );
    expect(await storedRow(t.db.pool, stampUnderGate)).toMatchObject(full);
  });

  it('refuses setting a stamp while clearing another (clearing only, never changing)', async () => {
    // An ambiguous field row, STAMP without PEN: clearing STAMP may not set PEN on the way.
    const ambiguous = await insertBypassingGuard(
      t.db.pool,
      { inspect_pen: null, inspect_stamp: t1, inspect_gate: null },
      'set-pen',
    );
    await expectRefused(
      clearing(ambiguous, 'inspect_pen = $2::timestamptz, inspect_stamp = null', [t5]),
      'stamp_cleared',
      'inspect_stamp',
    );
    expect(await storedRow(t.db.pool, ambiguous)).toMatchObject({ inspect_pen: null, inspect_stamp: t1 });
    // GATE without STAMP: clearing GATE may not set STAMP on the way.
    const gateNoStamp = await insertBypassingGuard(
      t.db.pool,
      { inspect_pen: t0, inspect_stamp: null, inspect_gate: t2 },
      'set-stamp',
    );
    await expectRefused(
      clearing(gateNoStamp, 'inspect_stamp = $2::timestamptz, inspect_gate = null', [t5]),
      'stamp_cleared',
      'inspect_gate',
    );
    expect(await storedRow(t.db.pool, gateNoStamp)).toMatchObject({ inspect_stamp: null, inspect_gate: t2 });
    // A set stamp moved to another time is a change, marker or not.
    const moved = await insertBypassingGuard(t.db.pool, full, 'move');
    await expectRefused(
      clearing(moved, 'inspect_gate = $2::timestamptz', [t5]),
      'stamp_changed',
      'inspect_gate',
    );
    expect(await storedRow(t.db.pool, moved)).toMatchObject(full);
  });
});
