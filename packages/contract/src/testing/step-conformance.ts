import { describe, expect, it } from 'vitest';
import type { Database } from '../ports/queryable.js';
import type { Step } from '../ports/step.js';

/** Catalog objects of user schemas, for checking that a rehearsal leaves no trace. */
const CATALOG_FINGERPRINT_SQL = `
  select count(*)::int as objects, coalesce(md5(string_agg(description, ',' order by description)), '') as digest from (
    select 'rel:' || n.nspname || '.' || c.relname || ':' || c.relkind::text as description
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
    union all
    select 'proc:' || n.nspname || '.' || p.proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname not in ('pg_catalog', 'information_schema')
    union all
    select 'trigger:' || tgname from pg_trigger where not tgisinternal
    union all
    select 'schema:' || nspname from pg_namespace
  ) objects`;

/**
 * An install step must re-verify before it runs, prove success after, and be rehearsable inside
 * BEGIN … ROLLBACK with the catalog identical before and after. `makeDatabase` gives a database
 * holding the step's prerequisites and not the step itself.
 */
export function describeStepConformance(
  name: string,
  makeStep: () => Step,
  makeDatabase: () => Database | Promise<Database>,
): void {
  describe(`Step conformance: ${name}`, () => {
    it('is well formed', () => {
      const step = makeStep();
      expect(step.specificationVersion).toBe('v1');
      expect(step.id).toMatch(/^[a-z0-9-]+\/[0-9]{4}_[a-z0-9_]+$/);
      expect(step.mutation.trim().length).toBeGreaterThan(0);
      expect(step.rollback.trim().length).toBeGreaterThan(0);
      expect(step.footprint.length).toBeGreaterThan(0);
    });

    it('rehearses inside BEGIN … ROLLBACK with the catalog identical before and after', async () => {
      const step = makeStep();
      const db = await makeDatabase();
      const connection = await db.connect();
      try {
        const before = (await connection.query(CATALOG_FINGERPRINT_SQL)).rows[0];
        expect((await step.reverify(connection)).ok).toBe(true);
        await connection.query('begin');
        await connection.query(step.mutation);
        const evidence = await step.successEvidence(connection);
        await connection.query('rollback');
        expect(evidence.ok).toBe(true);
        const after = (await connection.query(CATALOG_FINGERPRINT_SQL)).rows[0];
        expect(after).toEqual(before);
      } finally {
        connection.release();
      }
    });
  });
}
