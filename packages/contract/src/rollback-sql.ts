import type { CatalogObjectRef } from './catalog.js';
import { ValidationError } from './errors.js';
import { quoteIdentifier, quoteLiteral } from './sql-identifier.js';

const PRIVILEGES = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'TRUNCATE',
  'REFERENCES',
  'TRIGGER',
  'USAGE',
  'CREATE',
  'EXECUTE',
  'TEMPORARY',
  'CONNECT',
  'MAINTAIN',
]);

export interface GrantRef {
  /** The object's own ref kind: schema, table, view, sequence, column or function. */
  readonly kind: string;
  /** `schema`, `schema.name`, `schema.table.column` or `schema.name(type,type)`. */
  readonly name: string;
  /** A role name, or PUBLIC. */
  readonly grantee: string;
  readonly privilege: string;
}

/** Reads `grant:<kind>:<name>:<grantee>:<PRIVILEGE>`, refusing anything else by name. */
export function parseGrantRef(ref: CatalogObjectRef): GrantRef {
  const parts = ref.split(':');
  const refuse = (message: string) =>
    new ValidationError('grant reference', [
      { field: 'grant', rule: 'grant_ref', message: `"${ref}" ${message}` },
    ]);
  if (parts.length < 5 || parts[0] !== 'grant')
    throw refuse('must be grant:<kind>:<name>:<grantee>:<PRIVILEGE>');
  const privilege = parts.at(-1) as string;
  const grantee = parts.at(-2) as string;
  const kind = parts[1] as string;
  const name = parts.slice(2, -2).join(':');
  if (!PRIVILEGES.has(privilege)) throw refuse(`names no known privilege (${privilege})`);
  if (!['schema', 'table', 'view', 'sequence', 'column', 'function'].includes(kind))
    throw refuse(`names an object kind without privileges (${kind})`);
  if (grantee.length === 0 || name.length === 0) throw refuse('must name an object and a grantee');
  return { kind, name, grantee, privilege };
}

const quoteDotted = (name: string) => name.split('.').map(quoteIdentifier).join('.');

/**
 * `revoke <privilege> on <object> from <grantee>;` for each grant ref: how a rollback takes back
 * what a step granted on objects that outlive the rollback (dropping an object drops its grants).
 */
export function revokeGrantsSql(grants: readonly CatalogObjectRef[]): string {
  return grants
    .map((ref) => {
      const grant = parseGrantRef(ref);
      const grantee = grant.grantee === 'PUBLIC' ? 'public' : quoteIdentifier(grant.grantee);
      switch (grant.kind) {
        case 'schema':
          return `revoke ${grant.privilege} on schema ${quoteIdentifier(grant.name)} from ${grantee};`;
        case 'sequence':
          return `revoke ${grant.privilege} on sequence ${quoteDotted(grant.name)} from ${grantee};`;
        case 'column': {
          const dot = grant.name.lastIndexOf('.');
          return `revoke ${grant.privilege} (${quoteIdentifier(grant.name.slice(dot + 1))}) on table ${quoteDotted(grant.name.slice(0, dot))} from ${grantee};`;
        }
        case 'function': {
          // The signature's types are SQL type names (`timestamp with time zone`): kept as written.
          const open = grant.name.indexOf('(');
          return `revoke ${grant.privilege} on routine ${quoteDotted(grant.name.slice(0, open))}${grant.name.slice(open)} from ${grantee};`;
        }
        default:
          return `revoke ${grant.privilege} on table ${quoteDotted(grant.name)} from ${grantee};`;
      }
    })
    .join('\n');
}

/**
 * Drops each named role only if the step being rolled back created it and dropping it loses
 * nothing. Roles are cluster-wide and outlive any one database's install, so:
 * - created by the step: its oid is above that of `createdAfter`, a relation of this database an
 *   earlier step created (oids come from one cluster-wide counter, so a role older than that
 *   relation existed before this install's step and is never dropped; if the relation is missing,
 *   nothing is dropped);
 * - loses nothing: it cannot log in and has no attribute beyond NOLOGIN, no setting, no comment,
 *   no member and no membership, and nothing in any database of the cluster depends on it (owns,
 *   grants, policies: pg_shdepend), so another database's lane or a person's login keeps it.
 * Revoke this database's grants first, so only other databases' uses keep it.
 */
export function dropRolesIfUnusedSql(roles: readonly string[], options: { createdAfter: string }): string {
  if (roles.length === 0) return '';
  const names = roles.map((role) => quoteLiteral(role, 'role')).join(', ');
  const reference = quoteLiteral(options.createdAfter, 'createdAfter');
  return `do $$
declare
  candidate record;
begin
  for candidate in
    select r.oid, r.rolname from pg_catalog.pg_roles r
     where r.rolname in (${names})
       and r.oid > coalesce(pg_catalog.to_regclass(${reference})::oid, 4294967295::oid)
       and not r.rolcanlogin and not r.rolsuper and not r.rolcreatedb and not r.rolcreaterole
       and not r.rolreplication and not r.rolbypassrls and r.rolconfig is null
       and not exists (select 1 from pg_catalog.pg_shdepend d where d.refclassid = 'pg_catalog.pg_authid'::regclass and d.refobjid = r.oid)
       and not exists (select 1 from pg_catalog.pg_auth_members m where m.roleid = r.oid or m.member = r.oid)
       and not exists (select 1 from pg_catalog.pg_shdescription s where s.classoid = 'pg_catalog.pg_authid'::regclass and s.objoid = r.oid)
       and not exists (select 1 from pg_catalog.pg_db_role_setting s where s.setrole = r.oid)
  loop
    execute pg_catalog.format('drop role %I', candidate.rolname);
  end loop;
end
$$;`;
}

/**
 * The grant refs of a footprint whose object the same footprint does not create: those a rollback
 * must revoke, since dropping the step's own objects takes their grants along.
 */
export function grantsOnExistingObjects(footprint: readonly CatalogObjectRef[]): CatalogObjectRef[] {
  const created = new Set(footprint);
  return footprint.filter((ref) => {
    if (!ref.startsWith('grant:')) return false;
    const grant = parseGrantRef(ref);
    const object =
      grant.kind === 'column'
        ? `table:${grant.name.slice(0, grant.name.lastIndexOf('.'))}`
        : `${grant.kind}:${grant.name}`;
    return !created.has(object);
  });
}
