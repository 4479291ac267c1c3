import type { Queryable } from '@birth-lane/contract';
import type pg from 'pg';

/** The Queryable port, counting statements: how a test proves a bulk mint is one round trip. */
export function countingQueryable(inner: Queryable): Queryable & { readonly count: number } {
  let count = 0;
  return {
    get count() {
      return count;
    },
    query(text, values) {
      count += 1;
      return inner.query(text, values);
    },
  };
}

export async function registryCount(db: pg.Pool | pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from public.birth_registry');
  return rows[0]!.n;
}

/** Rejection of a promise, for asserting on the error itself. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
