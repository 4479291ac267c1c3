import { snapshotCatalog } from './catalog-snapshot.js';
import { ValidationError } from './errors.js';
import type { Queryable } from './ports/queryable.js';

/**
 * A catalog object named as `kind:qualified.name`, e.g. `table:public.birth_registry`,
 * `function:birth_lane.approval_quorum_met(bigint)`, `trigger:public.birth_registry.trg_x`,
 * `role:birth_lane_producer`, `schema:birth_lane`, `index:public.birth_registry_pkey`.
 */
export type CatalogObjectRef = string;

const KINDS = [
  'schema',
  'table',
  'index',
  'sequence',
  'view',
  'function',
  'trigger',
  'role',
  'extension',
] as const;

/** Kinds only a catalog snapshot describes: grants, memberships, policies, types. */
const SNAPSHOT_KINDS = ['grant', 'membership', 'policy', 'type'] as const;

/** True when the named object exists in the connected database. */
export async function catalogObjectExists(db: Queryable, ref: CatalogObjectRef): Promise<boolean> {
  const separator = ref.indexOf(':');
  const kind = ref.slice(0, separator) as (typeof KINDS)[number];
  const name = ref.slice(separator + 1);
  if (SNAPSHOT_KINDS.includes(kind as never) && name.length > 0) {
    return (await snapshotCatalog(db)).objects[ref] !== undefined;
  }
  if (separator < 1 || !KINDS.includes(kind) || name.length === 0) {
    throw new ValidationError('catalog reference', [
      {
        field: 'footprint',
        rule: 'catalog_ref',
        message: `"${ref}" must be kind:name with kind one of ${[...KINDS, ...SNAPSHOT_KINDS].join(', ')}`,
      },
    ]);
  }
  const { rows } = await db.query<{ present: boolean }>(EXISTS_SQL[kind], [name]);
  return rows[0]?.present === true;
}

const EXISTS_SQL: Record<(typeof KINDS)[number], string> = {
  schema: 'select exists (select 1 from pg_namespace where nspname = $1::text) as present',
  table:
    "select coalesce((select relkind in ('r', 'p') from pg_class where oid = to_regclass($1::text)), false) as present",
  index:
    "select coalesce((select relkind in ('i', 'I') from pg_class where oid = to_regclass($1::text)), false) as present",
  sequence:
    "select coalesce((select relkind = 'S' from pg_class where oid = to_regclass($1::text)), false) as present",
  view: "select coalesce((select relkind in ('v', 'm') from pg_class where oid = to_regclass($1::text)), false) as present",
  function: 'select to_regprocedure($1::text) is not null as present',
  // `schema.table.trigger`: the trigger name is the last dotted part.
  trigger: `select exists (
      select 1 from pg_trigger
      where not tgisinternal
        and tgrelid = to_regclass(regexp_replace($1::text, '\\.[^.]+$', ''))
        and tgname = regexp_replace($1::text, '^.*\\.', '')
    ) as present`,
  role: 'select exists (select 1 from pg_roles where rolname = $1::text) as present',
  extension: 'select exists (select 1 from pg_extension where extname = $1::text) as present',
};
