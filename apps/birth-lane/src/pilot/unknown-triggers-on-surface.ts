import type { Queryable } from '@birth-lane/contract';

/**
 * The functions of the triggers the staging block itself puts on a surface: production's stud
 * guard on the candidate slots (`input_inspect_stud`) and the append-only guards of the evidence
 * (`evidence_append_only`, `evidence_no_truncate`), as packages/staging-surface's
 * create-surface-tables.ts installs them. Anything else on a surface table is not the block's.
 */
export const KNOWN_STAGING_GUARDS = [
  'birth_lane.fn_birth_inspect_stud',
  'birth_lane.refuse_change_to_append_only',
] as const;

export interface SurfaceTriggers {
  /** Triggers on the surface's tables whose function is not a known staging guard (NT-6 wants 0). */
  readonly count: number;
  /** Each as `trigger on table → function`, by name. */
  readonly names: readonly string[];
}

/**
 * Triggers on the surface's tables that could certify: every trigger whose function is not one of
 * the staging block's known guards, whatever it is called (an allowlist: a function named
 * innocently counts as much as the certify consumer's own). Internal triggers (foreign keys'
 * referential actions, made by the server itself) are not listed. Read from the catalog, so a
 * trigger added behind the staging block's back counts.
 */
export async function findUnknownTriggersOnSurface(db: Queryable, schema: string): Promise<SurfaceTriggers> {
  const { rows } = await db.query<{ name: string }>(
    `select pg_catalog.format('%I on %s → %s', t.tgname, t.tgrelid::regclass, t.tgfoid::regprocedure) as name
       from pg_catalog.pg_trigger t
       join pg_catalog.pg_class c on c.oid = t.tgrelid
       join pg_catalog.pg_namespace n on n.oid = c.relnamespace
       join pg_catalog.pg_proc p on p.oid = t.tgfoid
       join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
      where n.nspname = $1::text
        and not t.tgisinternal
        and (pn.nspname || '.' || p.proname) <> all ($2::text[])
      order by 1`,
    [schema, [...KNOWN_STAGING_GUARDS]],
  );
  return { count: rows.length, names: rows.map((row) => row.name) };
}
