import type { Queryable } from '@birth-lane/contract';

/**
 * Triggers on the surface's tables that could certify (NT-6's separation invariant wants none):
 * any trigger whose function is the certify consumer's, or whose function name speaks of
 * certifying. Read from the catalog, so a trigger added behind the staging block's back counts.
 */
export async function countCertifyTriggersOnSurface(db: Queryable, schema: string): Promise<number> {
  const { rows } = await db.query<{ triggers: number }>(
    `select count(*)::int as triggers
       from pg_catalog.pg_trigger t
       join pg_catalog.pg_class c on c.oid = t.tgrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_proc p on p.oid = t.tgfoid
      where n.nspname = $1::text and p.proname ilike '%certif%'`,
    [schema],
  );
  return rows[0]!.triggers;
}
