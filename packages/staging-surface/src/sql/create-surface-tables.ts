import { quoteIdentifier } from '@birth-lane/contract';
import { type SurfaceId, surfaceSchema, surfaceTable } from '../surface-id.js';

/**
 * Creates a whole surface in one definer call (birth_lane.create_staging_surface, staging-surface/
 * 0001): its role bl_stage_<id> (granted to session_user), the schema, manifest, input and
 * evidence tables owned by the lane owner, the manifest's row with the server's creator and times.
 * $1 rule-set version, $2 its hash, $3 its document, $4 source, $5 ttl in seconds, $6 readiness.
 */
export const CREATE_STAGING_SURFACE_SQL = `select birth_lane.create_staging_surface($1::text, $2::text, $3::jsonb, $4::text,
  make_interval(secs => $5::int), $6::jsonb) as id`;

/**
 * Ends loading ($1 the surface id): production's own stud guard on the candidate slots (from here
 * on a candidate stamp obeys exactly production's stud) and no more INSERT into the input.
 */
export const SEAL_STAGING_SURFACE_SQL = 'select birth_lane.seal_staging_surface($1::text)';

export function selectManifestSql(surfaceId: SurfaceId): string {
  return `select id, creator, rule_set_version, rule_set_hash, source, created_at, expires_at, readiness
  from ${surfaceTable(surfaceId, 'manifest')}`;
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
