import { SQLSTATE, type StampColumn, type StampSlots, sqlStateOf } from '@birth-lane/contract';
import type pg from 'pg';
import { expect } from 'vitest';
import { type StudRule, studViolationOf } from '../src/index.js';

let births = 0;

/** A fresh entity code, unique within the test database. */
export const entityCode = (label: string): string => `INSP-${label.toUpperCase()}-${++births}-${Date.now()}`;

/** Mints an ordinary unstamped row and returns its id. */
export async function birth(db: pg.Pool | pg.Client, label = 'row'): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, name) values ($1::text, 'animals', 'a name') returning id::text`,
    [entityCode(label)],
  );
  return rows[0]!.id;
}

/**
 * Writes a row with whatever stamps it is given, as field data that predates the guard would be:
 * the superuser disables the trigger for this one insert, inside a transaction so no other
 * session ever sees the registry unguarded.
 */
export async function insertBypassingGuard(
  pool: pg.Pool,
  slots: StampSlots,
  label = 'field',
): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query('alter table public.birth_registry disable trigger trg_birth_inspect_stud_insert');
    const { rows } = await client.query<{ id: string }>(
      `insert into public.birth_registry (entity_code, name, inspect_pen, inspect_stamp, inspect_gate)
       values ($1::text, 'field row', $2::timestamptz, $3::timestamptz, $4::timestamptz) returning id::text`,
      [entityCode(label), slots.inspect_pen, slots.inspect_stamp, slots.inspect_gate],
    );
    await client.query('alter table public.birth_registry enable trigger trg_birth_inspect_stud_insert');
    await client.query('commit');
    return rows[0]!.id;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

export interface StoredStamps extends StampSlots {
  readonly name: string | null;
  readonly certified: boolean;
}

export async function storedRow(db: pg.Pool | pg.Client, id: string): Promise<StoredStamps> {
  const { rows } = await db.query<StoredStamps>(
    'select inspect_pen, inspect_stamp, inspect_gate, name, certified from public.birth_registry where id = $1::bigint',
    [id],
  );
  if (!rows[0]) throw new Error(`row ${id} is missing`);
  return rows[0];
}

/** Awaits a write the guard must refuse, and checks how it was refused. */
export async function expectRefused(
  write: Promise<unknown>,
  rule: StudRule,
  column: StampColumn,
): Promise<pg.DatabaseError> {
  const outcome = await write.then(
    () => ({ refused: false as const }),
    (error: unknown) => ({ refused: true as const, error }),
  );
  if (!outcome.refused)
    throw new Error(`expected the inspect stud to refuse the write (rule ${rule}), but it succeeded`);
  expect(sqlStateOf(outcome.error), String(outcome.error)).toBe(SQLSTATE.laneViolation);
  expect(studViolationOf(outcome.error)).toMatchObject({ rule, column });
  return outcome.error as pg.DatabaseError;
}
