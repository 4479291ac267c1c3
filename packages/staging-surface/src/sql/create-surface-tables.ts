import { quoteIdentifier, quoteLiteral } from '@birth-lane/contract';
import { type SurfaceId, surfaceSchema } from '../surface-id.js';

/**
 * The surface's three tables, created by the staging role inside its own schema. The id is a
 * server-generated hex string (checked by surfaceIdSchema) and still goes in as a quoted literal.
 * Every row carries the staging marker (surface id, designation `candidate`), held by check
 * constraints, so a candidate can never be read as anything else.
 */
export function createSurfaceTablesSql(surfaceId: SurfaceId): string {
  const s = quoteIdentifier(surfaceSchema(surfaceId));
  const id = quoteLiteral(surfaceId);
  return `
create table ${s}.manifest (
  id text primary key check (id = ${id}),
  creator text not null default session_user,
  rule_set_version text not null,
  rule_set_hash text not null,
  rule_set_document jsonb not null,
  source text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  readiness jsonb not null
);
create table ${s}.input (
  id bigint primary key,
  entity_code text,
  collection_name text,
  species_code text,
  dot_origin text,
  governance_role text,
  born_at timestamptz,
  name text,
  description text,
  status text,
  certified boolean not null default false,
  inspect_pen timestamptz,
  inspect_stamp timestamptz,
  inspect_gate timestamptz,
  -- the issues of a row kept with --keep-bad-rows (deliberate bad input); null for a clean row
  bad_input jsonb,
  surface_id text not null default ${id} check (surface_id = ${id}),
  designation text not null default 'candidate' check (designation = 'candidate')
);
create table ${s}.evidence (
  id bigint generated always as identity primary key,
  recorded_at timestamptz not null default clock_timestamp(),
  run_id uuid not null,
  kind text not null check (kind in ('inspection_failure', 'ambiguous_row', 'run_report')),
  row_id bigint,
  stage text check (stage in ('pen', 'stamp', 'gate')),
  check_id text,
  rule_set_hash text not null,
  message text,
  payload jsonb not null default '{}'::jsonb,
  surface_id text not null default ${id} check (surface_id = ${id}),
  designation text not null default 'staging' check (designation = 'staging')
);
-- A failure is recorded once per row, check and rule set, as in production: a re-run appends nothing.
create unique index evidence_failure_once on ${s}.evidence (row_id, check_id, rule_set_hash)
  where kind in ('inspection_failure', 'ambiguous_row');
create trigger evidence_append_only before update or delete on ${s}.evidence
  for each row execute function birth_lane.refuse_change_to_append_only();
create trigger evidence_no_truncate before truncate on ${s}.evidence
  for each statement execute function birth_lane.refuse_change_to_append_only();`;
}

/**
 * Production's own stud guard on the candidate slots, attached after loading (fixture rows may
 * carry historical stamps, which an INSERT through the guard would refuse): from here on a
 * candidate stamp obeys exactly production's stud. No certify trigger exists on a surface.
 */
export function attachStudSql(surfaceId: SurfaceId): string {
  const s = quoteIdentifier(surfaceSchema(surfaceId));
  return `create trigger input_inspect_stud before insert or update on ${s}.input
  for each row execute function birth_lane.fn_birth_inspect_stud()`;
}

export function insertManifestSql(surfaceId: SurfaceId): string {
  const s = quoteIdentifier(surfaceSchema(surfaceId));
  return `insert into ${s}.manifest (id, rule_set_version, rule_set_hash, rule_set_document, source, expires_at, readiness)
  values ($1::text, $2::text, $3::text, $4::jsonb, $5::text, now() + make_interval(secs => $6::int), $7::jsonb)
  returning id, creator, rule_set_version, rule_set_hash, source, created_at, expires_at, readiness`;
}

/** Fixture rows, a chunk at a time, from one JSON array parameter. */
export function insertFixtureRowsSql(surfaceId: SurfaceId): string {
  const s = quoteIdentifier(surfaceSchema(surfaceId));
  return `insert into ${s}.input (id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name,
                     description, status, certified, inspect_pen, inspect_stamp, inspect_gate, bad_input)
  select id, entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status,
         coalesce(certified, false), inspect_pen, inspect_stamp, inspect_gate, bad_input
    from jsonb_to_recordset($1::jsonb) as r(id bigint, entity_code text, collection_name text, species_code text,
         dot_origin text, governance_role text, born_at timestamptz, name text, description text, status text,
         certified boolean, inspect_pen timestamptz, inspect_stamp timestamptz, inspect_gate timestamptz, bad_input jsonb)`;
}
