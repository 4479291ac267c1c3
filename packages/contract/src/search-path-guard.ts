import { BirthLaneError } from './errors.js';
import type { Queryable } from './ports/queryable.js';
import { quoteIdentifier } from './sql-identifier.js';

/**
 * The schemas a search_path setting names, in order, with `$user` resolved to the role itself.
 * `pg_temp` is left out: PostgreSQL never looks up functions or operators there, and the lane's
 * definer functions name it last.
 */
export function schemasOnSearchPath(setting: string, roleName: string): string[] {
  const schemas: string[] = [];
  for (const raw of setting.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const quoted = item.startsWith('"') && item.endsWith('"') && item.length >= 2;
    const name = quoted ? item.slice(1, -1).replaceAll('""', '"') : item.toLowerCase();
    if (name === '$user') schemas.push(roleName);
    else if (name !== 'pg_temp' && !name.startsWith('pg_temp_')) schemas.push(name);
  }
  return schemas;
}

export interface CreatableSchema {
  /** The role that can create objects there: a lane or approver role, a member of one, or the database owner. */
  readonly role: string;
  /** Why the role matters: `lane role`, `member of birth_lane_x, ...`, `database owner`, or `PUBLIC`. */
  readonly why: string;
  readonly schema: string;
  /** Through whom: `PUBLIC`, the role itself, or a role it is a member of (e.g. pg_database_owner). */
  readonly grantee: string;
  readonly schemaOwner: string;
  readonly searchPath: string;
  readonly database: string;
}

/**
 * Every (role, schema on its search_path) where the role can CREATE, for every role that matters
 * to the lane: the lane and approver roles (NOLOGIN `birth_lane_*`), every role that is a member of
 * one of them, directly or through other roles (LOGIN roles included: the people and services
 * that hold the lane's rights), and the database's owner (through pg_database_owner it owns
 * `public` on PostgreSQL 15 and later). The role's effective search_path is its own setting for
 * this database, else for all databases, else the database's, else the server's. Superusers and
 * the installing role itself are left out (they can do anything to the lane anyway). Before the
 * lane roles exist (a fresh cluster), what PUBLIC may do stands for them: they will inherit it.
 */
export async function findCreatableSchemasOnSearchPath(db: Queryable): Promise<CreatableSchema[]> {
  const { rows: roles } = await db.query<{
    oid: string | null;
    role: string;
    why: string;
    search_path: string;
    database: string;
  }>(
    `with recursive lane as (
       select r.oid, r.rolname from pg_catalog.pg_roles r
        where r.rolname like 'birth\\_lane\\_%' and not r.rolcanlogin
     ),
     members (member) as (
       select m.member from pg_catalog.pg_auth_members m where m.roleid in (select oid from lane)
       union
       select m.member from pg_catalog.pg_auth_members m join members on m.roleid = members.member
     ),
     setting as (
       select s.setrole, s.setdatabase, pg_catalog.split_part(c, '=', 2) as value
         from pg_catalog.pg_db_role_setting s, pg_catalog.unnest(s.setconfig) as c
        where c like 'search\\_path=%'
     ),
     path as (
       select d.oid as datid, d.datname, d.datdba,
              coalesce((select value from setting where setrole = 0 and setdatabase = d.oid),
                       (select boot_val from pg_catalog.pg_settings where name = 'search_path')) as value
         from pg_catalog.pg_database d where d.datname = pg_catalog.current_database()
     )
     select r.oid::text as oid, r.rolname as role,
            case when r.oid in (select oid from lane) then 'lane role'
                 when r.oid in (select member from members) then
                   'member of ' || (select pg_catalog.string_agg(l.rolname, ', ' order by l.rolname) from lane l
                                     where pg_catalog.pg_has_role(r.oid, l.oid, 'MEMBER'))
                 else 'database owner' end
              || case when r.oid = p.datdba and r.oid not in (select oid from lane) and r.oid in (select member from members)
                      then ', and the database owner' else '' end as why,
            coalesce(
              (select value from setting where setrole = r.oid and setdatabase = p.datid),
              (select value from setting where setrole = r.oid and setdatabase = 0),
              p.value) as search_path,
            p.datname as database
       from pg_catalog.pg_roles r, path p
      where (r.oid in (select oid from lane) or r.oid in (select member from members) or r.oid = p.datdba)
        and not r.rolsuper
        and r.rolname <> current_user
     union all
     select null, 'PUBLIC', 'PUBLIC (no lane role exists yet; the lane roles will inherit what PUBLIC may do)',
            p.value, p.datname
       from path p
      where not exists (select 1 from lane)
      order by 2`,
  );
  const found: CreatableSchema[] = [];
  for (const { oid, role, why, search_path: searchPath, database } of roles) {
    const schemas = schemasOnSearchPath(searchPath, role);
    const { rows } = await db.query<{ schema: string; grantee: string; owner: string }>(
      `select n.nspname as schema, pg_catalog.pg_get_userbyid(n.nspowner) as owner,
              case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end as grantee
         from pg_catalog.pg_namespace n,
              pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
        where n.nspname = any ($1::text[])
          and a.privilege_type = 'CREATE'
          and (a.grantee = 0 or ($2::oid is not null and pg_catalog.pg_has_role($2::oid, a.grantee, 'MEMBER')))
        order by pg_catalog.array_position($1::text[], n.nspname::text), grantee`,
      [schemas, oid],
    );
    for (const row of rows)
      found.push({
        role,
        why,
        schema: row.schema,
        grantee: row.grantee,
        schemaOwner: row.owner,
        searchPath,
        database,
      });
  }
  return found;
}

/**
 * Refuses a database where a lane role can create objects in a schema on its search_path: such
 * a role could put a function or operator there that shadows one a lane function or trigger
 * names, and run its own code with the lane's rights. The message names the role, the schema
 * and the REVOKE to run.
 */
export async function assertNoCreatableSearchPath(db: Queryable): Promise<void> {
  const found = await findCreatableSchemasOnSearchPath(db);
  if (found.length === 0) return;
  const lines = found.map(
    (entry) =>
      `  - role ${entry.role} can CREATE in schema ${entry.schema} (on its search_path ${entry.searchPath}) ` +
      `through ${entry.grantee} [${entry.why}]: ${revokeFor(entry)}`,
  );
  throw new BirthLaneError(
    'STOP_CONDITION',
    `Install refused: a role holding the lane's rights (a lane or approver role, a member of one, or the ` +
      `database owner) could create objects in a schema on its search_path, and so shadow a function or ` +
      `operator the lane uses:\n${lines.join('\n')}\nRun the REVOKE (as the schema's owner), then install again.`,
  );
}

function revokeFor(entry: CreatableSchema): string {
  const schema = quoteIdentifier(entry.schema);
  if (entry.grantee === 'PUBLIC') return `REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC;`;
  if (entry.grantee === 'pg_database_owner')
    return (
      `ALTER SCHEMA ${schema} OWNER TO <an administrator>; (pg_database_owner, held by the owner of database ` +
      `${entry.database}, owns it; or ALTER DATABASE ${quoteIdentifier(entry.database)} OWNER TO <an administrator>;)`
    );
  if (entry.grantee === entry.schemaOwner)
    return `ALTER SCHEMA ${schema} OWNER TO <an administrator> (its owner ${entry.grantee} is or contains the role);`;
  return `REVOKE CREATE ON SCHEMA ${schema} FROM ${quoteIdentifier(entry.grantee)};`;
}
