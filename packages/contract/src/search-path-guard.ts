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
  /** The lane role that can create objects there. */
  readonly role: string;
  readonly schema: string;
  /** Through whom: `PUBLIC`, the role itself, or a role it is a member of. */
  readonly grantee: string;
  readonly schemaOwner: string;
  readonly searchPath: string;
}

/**
 * Every (lane role, schema on its search_path) where the role can CREATE. The role's effective
 * search_path is its own setting for this database, else for all databases, else the database's,
 * else the server's. Lane roles are all roles named `birth_lane_*` (NOLOGIN roles of the lane and
 * the approver roles); superusers are left out (they can do anything anyway). Before the lane
 * roles exist (a fresh cluster), what PUBLIC may do stands for them: they will inherit it.
 */
export async function findCreatableSchemasOnSearchPath(db: Queryable): Promise<CreatableSchema[]> {
  const { rows: roles } = await db.query<{ role: string; search_path: string }>(
    `with setting as (
       select s.setrole, s.setdatabase, split_part(c, '=', 2) as value
         from pg_catalog.pg_db_role_setting s, unnest(s.setconfig) as c
        where c like 'search\\_path=%'
     )
     select r.rolname as role,
            coalesce(
              (select value from setting where setrole = r.oid and setdatabase = d.oid),
              (select value from setting where setrole = r.oid and setdatabase = 0),
              (select value from setting where setrole = 0 and setdatabase = d.oid),
              (select boot_val from pg_catalog.pg_settings where name = 'search_path')) as search_path
       from pg_catalog.pg_roles r, pg_catalog.pg_database d
      where d.datname = current_database()
        and r.rolname like 'birth\\_lane\\_%' and not r.rolcanlogin and not r.rolsuper
      order by r.rolname`,
  );
  if (roles.length === 0) {
    const { rows } = await db.query<{ search_path: string }>(
      `select coalesce(
         (select split_part(c, '=', 2) from pg_catalog.pg_db_role_setting s, unnest(s.setconfig) as c
           where s.setrole = 0 and s.setdatabase = (select oid from pg_catalog.pg_database where datname = current_database())
             and c like 'search\\_path=%'),
         (select boot_val from pg_catalog.pg_settings where name = 'search_path')) as search_path`,
    );
    roles.push({ role: 'PUBLIC', search_path: rows[0]!.search_path });
  }
  const found: CreatableSchema[] = [];
  for (const { role, search_path: searchPath } of roles) {
    const schemas = schemasOnSearchPath(searchPath, role);
    const { rows } = await db.query<{ schema: string; grantee: string; owner: string }>(
      `select n.nspname as schema, pg_catalog.pg_get_userbyid(n.nspowner) as owner,
              case when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end as grantee
         from pg_catalog.pg_namespace n,
              pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
        where n.nspname = any ($1::text[])
          and a.privilege_type = 'CREATE'
          and (a.grantee = 0 or ($2::text <> 'PUBLIC' and pg_catalog.pg_has_role($2::text, a.grantee, 'USAGE')))
        order by pg_catalog.array_position($1::text[], n.nspname::text), grantee`,
      [schemas, role],
    );
    for (const row of rows)
      found.push({ role, schema: row.schema, grantee: row.grantee, schemaOwner: row.owner, searchPath });
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
      `through ${entry.grantee}: ${revokeFor(entry)}`,
  );
  throw new BirthLaneError(
    'STOP_CONDITION',
    `Install refused: a lane role could create objects in a schema on its search_path, and so shadow a ` +
      `function or operator the lane uses:\n${lines.join('\n')}\nRun the REVOKE (as the schema's owner), then install again.`,
  );
}

function revokeFor(entry: CreatableSchema): string {
  const schema = quoteIdentifier(entry.schema);
  if (entry.grantee === 'PUBLIC') return `REVOKE CREATE ON SCHEMA ${schema} FROM PUBLIC;`;
  if (entry.grantee === entry.schemaOwner)
    return `ALTER SCHEMA ${schema} OWNER TO <an administrator> (its owner ${entry.grantee} is or contains the lane role);`;
  return `REVOKE CREATE ON SCHEMA ${schema} FROM ${quoteIdentifier(entry.grantee)};`;
}
