import { describe, expect, it } from 'vitest';
import { sqlStateOf } from '../errors.js';
import type { Queryable } from '../ports/queryable.js';
import { SQLSTATE } from '../sqlstate.js';

/** Any Queryable implementation (a pool, a client, an adapter) must pass these against a real PostgreSQL. */
export function describeQueryableConformance(name: string, makeQueryable: () => Queryable): void {
  describe(`Queryable conformance: ${name}`, () => {
    it('passes parameters as values, never as SQL text', async () => {
      const db = makeQueryable();
      const hostile = "x'; drop table birth_registry; --";
      const { rows } = await db.query<{ echoed: string }>('select $1::text as echoed', [hostile]);
      expect(rows).toEqual([{ echoed: hostile }]);
    });

    it('reports rowCount for data-changing statements', async () => {
      const db = makeQueryable();
      const result = await db.query('select generate_series(1, 3) as n');
      expect(result.rows).toHaveLength(3);
      expect(result.rowCount).toBe(3);
    });

    it('rejects with the PostgreSQL SQLSTATE attached', async () => {
      const db = makeQueryable();
      const error = await db
        .query('select * from a_table_that_does_not_exist_anywhere')
        .catch((caught: unknown) => caught);
      expect(sqlStateOf(error)).toBe(SQLSTATE.undefinedTable);
    });
  });
}
