import { canonicalJson, sha256Hex } from './canonical-json.js';
import type { CatalogObjectRef } from './catalog.js';
import type { Database, Queryable } from './ports/queryable.js';

/**
 * What one catalog object looks like, as far as an install can change it: definitions, owners,
 * settings. Never oids, statistics or row counts, which change without anyone installing anything.
 */
export type CatalogObjectDescription = Readonly<Record<string, unknown>>;

/**
 * Every object of the database's own schemas (all but pg_catalog, information_schema and the
 * toast/temp ones), default privileges, event triggers, the lane's cluster-wide roles, every role
 * with superuser, createrole or bypassrls, and every membership in a lane role (whoever the member,
 * demo logins excluded by name), keyed
 * by the same refs footprints use (see catalog.ts). Objects that belong to an extension are the
 * extension's (`extension:<name>`), not listed one by one.
 */
export interface CatalogSnapshot {
  readonly specificationVersion: 'v1';
  readonly objects: Readonly<Record<CatalogObjectRef, CatalogObjectDescription>>;
}

export interface CatalogDiff {
  readonly added: readonly CatalogObjectRef[];
  readonly removed: readonly CatalogObjectRef[];
  readonly changed: readonly CatalogObjectRef[];
}

export interface SnapshotOptions {
  /**
   * Roles whose name matches this LIKE pattern are the lane's: described with their attributes
   * and memberships among each other. Roles are cluster-wide, so other roles (people's logins,
   * other databases' roles) are not part of this database's install state.
   */
  readonly rolePattern?: string;
  /** Roles matching this LIKE pattern are excluded even if they match rolePattern (short-lived demo logins). */
  readonly excludeRolePattern?: string;
  /**
   * Schemas matching this LIKE pattern are left out: what the lane creates at run time, not at
   * install time (staging surfaces `bl_stage_<id>`).
   */
  readonly excludeSchemaPattern?: string;
}

export const LANE_ROLE_PATTERN = 'birth\\_lane\\_%';
export const DEMO_ROLE_PATTERN = 'birth\\_lane\\_demo\\_%';
export const RUNTIME_SCHEMA_PATTERN = 'bl\\_stage\\_%';

// The namespaces an install may put objects in; extension members are described by their extension.
const USER_NAMESPACES = `
  select n.oid, n.nspname from pg_catalog.pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
     and n.nspname not like 'pg\\_temp\\_%' and n.nspname not like 'pg\\_toast\\_temp\\_%'
     and n.nspname not like $1::text
     and not exists (select 1 from pg_catalog.pg_depend d
                      where d.classid = 'pg_catalog.pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')`;

const NOT_EXTENSION_MEMBER = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_catalog.pg_depend e where e.classid = '${catalog}'::regclass and e.objid = ${oid} and e.deptype = 'e')`;

// A role name as a ref part: 0 (PUBLIC) has no pg_roles row.
const GRANTEE = `case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end`;

/**
 * A type as it appears in a function ref: catalog types by their SQL name (`integer`,
 * `timestamp with time zone`), others schema-qualified, whatever the session's search_path.
 */
const TYPE_NAME = (oid: string) => `(select case when t.typnamespace = 'pg_catalog'::regnamespace
             then pg_catalog.format_type(t.oid, null)
             else tn.nspname || '.' || t.typname end
        from pg_catalog.pg_type t join pg_catalog.pg_namespace tn on tn.oid = t.typnamespace
       where t.oid = ${oid})`;

/** `schema.name(type,type)`: the ref name of a function or procedure, one form whatever the search_path. */
const FUNCTION_REF_NAME = `n.nspname || '.' || p.proname || '(' || coalesce((
    select string_agg(${TYPE_NAME('arg.type_oid')}, ',' order by arg.position)
      from unnest(p.proargtypes::oid[]) with ordinality as arg(type_oid, position)), '') || ')'`;

interface Row {
  readonly ref: string;
  readonly description: CatalogObjectDescription;
}

/** One query per object kind; each returns `ref` and a jsonb `description`. */
const QUERIES: readonly string[] = [
  // Schemas.
  `with ns as (${USER_NAMESPACES})
   select 'schema:' || ns.nspname as ref,
          jsonb_build_object('owner', pg_catalog.pg_get_userbyid(n.nspowner)) as description
     from ns join pg_catalog.pg_namespace n on n.oid = ns.oid`,

  // Tables with their columns, constraints (and the indexes and sequences those own), RLS and options.
  `with ns as (${USER_NAMESPACES})
   select 'table:' || ns.nspname || '.' || c.relname as ref,
          jsonb_build_object(
            'kind', c.relkind,
            'owner', pg_catalog.pg_get_userbyid(c.relowner),
            'rowSecurity', c.relrowsecurity,
            'forceRowSecurity', c.relforcerowsecurity,
            'options', to_jsonb(c.reloptions),
            'columns', coalesce((
              select jsonb_agg(jsonb_build_object(
                       'name', a.attname,
                       'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                       'notNull', a.attnotnull,
                       'default', pg_catalog.pg_get_expr(ad.adbin, ad.adrelid),
                       'identity', a.attidentity,
                       'generated', a.attgenerated,
                       'collation', case when a.attcollation <> t.typcollation then a.attcollation::regcollation::text end)
                     order by a.attnum)
                from pg_catalog.pg_attribute a
                join pg_catalog.pg_type t on t.oid = a.atttypid
                left join pg_catalog.pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
               where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]'::jsonb),
            'constraints', coalesce((
              select jsonb_object_agg(k.conname, pg_catalog.pg_get_constraintdef(k.oid, true))
                from pg_catalog.pg_constraint k where k.conrelid = c.oid), '{}'::jsonb),
            'ownedSequences', coalesce((
              select jsonb_agg(s.relname order by s.relname)
                from pg_catalog.pg_depend d join pg_catalog.pg_class s on s.oid = d.objid
               where d.classid = 'pg_catalog.pg_class'::regclass and d.refobjid = c.oid
                 and d.deptype in ('a', 'i') and s.relkind = 'S'), '[]'::jsonb)
          ) as description
     from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace
    where c.relkind in ('r', 'p', 'f') and ${NOT_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')}`,

  // Indexes of their own (those backing a constraint belong to the constraint's table).
  `with ns as (${USER_NAMESPACES})
   select 'index:' || ns.nspname || '.' || c.relname as ref,
          jsonb_build_object('definition', pg_catalog.pg_get_indexdef(c.oid)) as description
     from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace
    where c.relkind in ('i', 'I') and ${NOT_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')}
      and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = c.oid and k.contype in ('p', 'u', 'x'))`,

  // Sequences of their own (a serial's or identity's sequence belongs to its table). Never the value.
  `with ns as (${USER_NAMESPACES})
   select 'sequence:' || ns.nspname || '.' || c.relname as ref,
          jsonb_build_object(
            'owner', pg_catalog.pg_get_userbyid(c.relowner),
            'type', pg_catalog.format_type(s.seqtypid, null),
            'start', s.seqstart::text, 'increment', s.seqincrement::text,
            'min', s.seqmin::text, 'max', s.seqmax::text, 'cycle', s.seqcycle) as description
     from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace
     join pg_catalog.pg_sequence s on s.seqrelid = c.oid
    where c.relkind = 'S' and ${NOT_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')}
      and not exists (select 1 from pg_catalog.pg_depend d
                       where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i'))`,

  // Views and materialized views.
  `with ns as (${USER_NAMESPACES})
   select 'view:' || ns.nspname || '.' || c.relname as ref,
          jsonb_build_object(
            'kind', c.relkind,
            'owner', pg_catalog.pg_get_userbyid(c.relowner),
            'options', to_jsonb(c.reloptions),
            'definitionMd5', md5(pg_catalog.pg_get_viewdef(c.oid))) as description
     from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace
    where c.relkind in ('v', 'm') and ${NOT_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')}`,

  // Functions and procedures: signature, body digest, definer rights, settings, owner.
  `with ns as (${USER_NAMESPACES})
   select 'function:' || ${FUNCTION_REF_NAME} as ref,
          jsonb_build_object(
            'kind', p.prokind,
            'arguments', pg_catalog.pg_get_function_arguments(p.oid),
            'result', pg_catalog.pg_get_function_result(p.oid),
            'language', (select l.lanname from pg_catalog.pg_language l where l.oid = p.prolang),
            'bodyMd5', md5(p.prosrc),
            'securityDefiner', p.prosecdef,
            'volatility', p.provolatile,
            'strict', p.proisstrict,
            'leakproof', p.proleakproof,
            'parallel', p.proparallel,
            'config', to_jsonb(p.proconfig),
            'owner', pg_catalog.pg_get_userbyid(p.proowner)) as description
     from pg_catalog.pg_proc p join ns n on n.oid = p.pronamespace
    where ${NOT_EXTENSION_MEMBER('pg_catalog.pg_proc', 'p.oid')}`,

  // Triggers (not the internal ones behind foreign keys).
  `with ns as (${USER_NAMESPACES})
   select 'trigger:' || ns.nspname || '.' || c.relname || '.' || g.tgname as ref,
          jsonb_build_object('definition', pg_catalog.pg_get_triggerdef(g.oid), 'enabled', g.tgenabled) as description
     from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid
     join ns on ns.oid = c.relnamespace
    where not g.tgisinternal`,

  // Row-level security policies.
  `with ns as (${USER_NAMESPACES})
   select 'policy:' || ns.nspname || '.' || c.relname || '.' || pol.polname as ref,
          jsonb_build_object(
            'command', pol.polcmd, 'permissive', pol.polpermissive,
            'roles', (select jsonb_agg(case when r = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(r) end order by 1)
                        from unnest(pol.polroles) as r),
            'using', pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
            'check', pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid)) as description
     from pg_catalog.pg_policy pol join pg_catalog.pg_class c on c.oid = pol.polrelid
     join ns on ns.oid = c.relnamespace`,

  // Types of their own: enums, domains, ranges, standalone composites (not tables' row types or arrays).
  `with ns as (${USER_NAMESPACES})
   select 'type:' || ns.nspname || '.' || t.typname as ref,
          jsonb_build_object(
            'kind', t.typtype,
            'owner', pg_catalog.pg_get_userbyid(t.typowner),
            'definition', case t.typtype
              when 'e' then (select jsonb_agg(e.enumlabel order by e.enumsortorder)::text from pg_catalog.pg_enum e where e.enumtypid = t.oid)
              when 'd' then pg_catalog.format_type(t.typbasetype, t.typtypmod) || coalesce(' ' || (
                select string_agg(pg_catalog.pg_get_constraintdef(k.oid), ' ' order by k.conname)
                  from pg_catalog.pg_constraint k where k.contypid = t.oid), '')
              else (select string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ',' order by a.attnum)
                      from pg_catalog.pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped)
            end) as description
     from pg_catalog.pg_type t join ns on ns.oid = t.typnamespace
    where t.typtype in ('e', 'd', 'r', 'c', 'm')
      and (t.typrelid = 0 or (select c.relkind from pg_catalog.pg_class c where c.oid = t.typrelid) = 'c')
      and ${NOT_EXTENSION_MEMBER('pg_catalog.pg_type', 't.oid')}`,

  // Extensions, by version: their member objects are theirs.
  `select 'extension:' || x.extname as ref,
          jsonb_build_object('version', x.extversion, 'schema', x.extnamespace::regnamespace::text) as description
     from pg_catalog.pg_extension x where x.extname <> 'plpgsql'`,

  // Privileges on schemas, tables/views/sequences, columns and functions: one ref per grantee and
  // privilege. A null ACL is the kind's default (PUBLIC may EXECUTE a new function); an owner's own
  // rights are implied by ownership and left out.
  `with ns as (${USER_NAMESPACES}),
   acl as (
     select 'schema:' || n.nspname as object, n.nspowner as owner, a.*
       from ns join pg_catalog.pg_namespace n on n.oid = ns.oid,
            aclexplode(coalesce(n.nspacl, acldefault('n'::"char", n.nspowner))) a
     union all
     select case c.relkind when 'S' then 'sequence:' when 'v' then 'view:' when 'm' then 'view:' else 'table:' end
              || ns.nspname || '.' || c.relname, c.relowner, a.*
       from pg_catalog.pg_class c join ns on ns.oid = c.relnamespace,
            aclexplode(coalesce(c.relacl, acldefault((case c.relkind when 'S' then 's' else 'r' end)::"char", c.relowner))) a
      where c.relkind in ('r', 'p', 'f', 'v', 'm', 'S') and ${NOT_EXTENSION_MEMBER('pg_catalog.pg_class', 'c.oid')}
     union all
     select 'column:' || ns.nspname || '.' || c.relname || '.' || att.attname, c.relowner, a.*
       from pg_catalog.pg_attribute att join pg_catalog.pg_class c on c.oid = att.attrelid
       join ns on ns.oid = c.relnamespace, aclexplode(att.attacl) a
      where att.attacl is not null and att.attnum > 0 and not att.attisdropped
     union all
     select 'function:' || ${FUNCTION_REF_NAME}, p.proowner, a.*
       from pg_catalog.pg_proc p join ns n on n.oid = p.pronamespace,
            aclexplode(coalesce(p.proacl, acldefault('f'::"char", p.proowner))) a
      where ${NOT_EXTENSION_MEMBER('pg_catalog.pg_proc', 'p.oid')}
   )
   select 'grant:' || a.object || ':' || ${GRANTEE} || ':' || a.privilege_type as ref,
          jsonb_build_object('grantable', a.is_grantable) as description
     from acl a where a.grantee <> a.owner`,

  // Default privileges (ALTER DEFAULT PRIVILEGES): what objects created later will grant, by whose
  // objects, in which schema (`*` for all), of which kind. One ref per entry, its grants sorted.
  `select 'default-privileges:' || pg_catalog.pg_get_userbyid(da.defaclrole) || ':'
            || coalesce((select n.nspname from pg_catalog.pg_namespace n where n.oid = da.defaclnamespace), '*')
            || ':' || case da.defaclobjtype when 'r' then 'table' when 'S' then 'sequence' when 'f' then 'function'
                                           when 'T' then 'type' when 'n' then 'schema' else da.defaclobjtype::text end as ref,
          jsonb_build_object('grants', (
            select jsonb_agg(${GRANTEE} || ':' || a.privilege_type || case when a.is_grantable then '+grant' else '' end
                             order by 1)
              from aclexplode(da.defaclacl) a)) as description
     from pg_catalog.pg_default_acl da`,

  // Event triggers: database-wide, they run on every DDL statement.
  `select 'event-trigger:' || et.evtname as ref,
          jsonb_build_object('event', et.evtevent, 'function', et.evtfoid::regprocedure::text,
                             'tags', to_jsonb(et.evttags), 'enabled', et.evtenabled,
                             'owner', pg_catalog.pg_get_userbyid(et.evtowner)) as description
     from pg_catalog.pg_event_trigger et
    where ${NOT_EXTENSION_MEMBER('pg_catalog.pg_event_trigger', 'et.oid')}`,

  // The lane's roles, by their attributes (never a password).
  `select 'role:' || r.rolname as ref,
          jsonb_build_object(
            'login', r.rolcanlogin, 'superuser', r.rolsuper, 'inherit', r.rolinherit,
            'createRole', r.rolcreaterole, 'createDb', r.rolcreatedb, 'replication', r.rolreplication,
            'bypassRls', r.rolbypassrls, 'connectionLimit', r.rolconnlimit, 'config', to_jsonb(r.rolconfig)) as description
     from pg_catalog.pg_roles r
    where r.rolname not like $2::text
      and (r.rolname like $1::text or r.rolsuper or r.rolcreaterole or r.rolbypassrls)`,

  // Memberships INTO the lane's roles, from any member (`membership:<role>:<member>`): a login made
  // an installer or an approver is a privilege the plan must name. Demo logins are excluded by name.
  `select 'membership:' || g.rolname || ':' || m.rolname as ref,
          jsonb_build_object('admin', bool_or(am.admin_option)) as description
     from pg_catalog.pg_auth_members am
     join pg_catalog.pg_roles g on g.oid = am.roleid
     join pg_catalog.pg_roles m on m.oid = am.member
    where g.rolname like $1::text and g.rolname not like $2::text
      and m.rolname not like $2::text
    group by g.rolname, m.rolname`,
];

/**
 * Describes the database's install state, deterministically: the same catalog gives the same
 * snapshot (and hash) whatever the oids, statistics, row counts or the session's search_path.
 */
export async function snapshotCatalog(
  db: Queryable | Database,
  options: SnapshotOptions = {},
): Promise<CatalogSnapshot> {
  return onOneSession(db, (session) => snapshotOnSession(session, options));
}

async function snapshotOnSession(session: Queryable, options: SnapshotOptions): Promise<CatalogSnapshot> {
  const schemaParameters = [options.excludeSchemaPattern ?? RUNTIME_SCHEMA_PATTERN];
  const roleParameters = [
    options.rolePattern ?? LANE_ROLE_PATTERN,
    options.excludeRolePattern ?? DEMO_ROLE_PATTERN,
  ];
  // Names in pg_get_*def and format_type are qualified against the search_path: an empty one makes
  // them the same in every session. JIT would spend a second compiling these small catalog queries.
  // Both are put back afterwards (a rehearsal's session goes on with its own settings).
  const saved = await session.query<{ search_path: string; jit: string }>(
    `select current_setting('search_path') as search_path, current_setting('jit') as jit,
            set_config('search_path', 'pg_catalog', false), set_config('jit', 'off', false)`,
  );
  const objects: Record<CatalogObjectRef, CatalogObjectDescription> = {};
  try {
    for (const sql of QUERIES) {
      // PostgreSQL refuses a parameter a statement does not use, so each query gets only its own.
      const parameters = sql.includes('rolname like $1')
        ? roleParameters
        : sql.includes('$1::text')
          ? schemaParameters
          : [];
      const { rows } = await session.query<Row>(sql, parameters);
      for (const row of rows) objects[row.ref] = row.description;
    }
  } finally {
    await session.query(
      `select set_config('search_path', $1::text, false), set_config('jit', $2::text, false)`,
      [saved.rows[0]?.search_path, saved.rows[0]?.jit],
    );
  }
  const sorted: Record<CatalogObjectRef, CatalogObjectDescription> = {};
  for (const ref of Object.keys(objects).sort()) sorted[ref] = objects[ref] as CatalogObjectDescription;
  return { specificationVersion: 'v1', objects: sorted };
}

/**
 * Runs `work` on one session: the settings above hold per session, and a pool would spread the
 * queries over several. A pool (pg.Pool: `connect()` hands out connections, `totalCount` counts
 * them) is asked for one connection; a client or a checked-out connection is used as it is.
 */
async function onOneSession<T>(
  db: Queryable | Database,
  work: (session: Queryable) => Promise<T>,
): Promise<T> {
  const isPool =
    typeof (db as Database).connect === 'function' &&
    typeof (db as { totalCount?: unknown }).totalCount === 'number';
  if (!isPool) return work(db);
  const connection = await (db as Database).connect();
  try {
    return await work(connection);
  } finally {
    connection.release();
  }
}

/** Which refs appeared, disappeared, or changed their description between two snapshots (each sorted). */
export function diffCatalog(before: CatalogSnapshot, after: CatalogSnapshot): CatalogDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const [ref, description] of Object.entries(after.objects)) {
    const earlier = before.objects[ref];
    if (earlier === undefined) added.push(ref);
    else if (canonicalJson(earlier) !== canonicalJson(description)) changed.push(ref);
  }
  for (const ref of Object.keys(before.objects)) if (after.objects[ref] === undefined) removed.push(ref);
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}

/** True when nothing was added, removed or changed. */
export function isEmptyDiff(diff: CatalogDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** sha256 of the snapshot's canonical JSON: equal catalogs, equal hashes. */
export function catalogSnapshotHash(snapshot: CatalogSnapshot): string {
  return sha256Hex(canonicalJson(snapshot));
}
