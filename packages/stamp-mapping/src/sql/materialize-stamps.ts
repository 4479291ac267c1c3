/** Begins an approved materialisation ($1 mapping, $2 approval id, $3/$4 the range or null). */
export const BEGIN_STAMP_MATERIALISATION_SQL =
  'select birth_lane.begin_stamp_materialisation($1::jsonb, $2::bigint, $3::bigint, $4::bigint) as job';

/** A materialisation already begun with this approval, to resume it. */
export const SELECT_STAMP_MATERIALISATION_SQL = `select mapping_hash, from_id::text, to_id::text, owner, next_id::text,
       rows_written::text, started_by, finished_at is not null as finished, session_user::text as login,
       birth_lane.stamp_mapping_hash($2::jsonb) as asked_hash
  from birth_lane.stamp_materialisations where approval_request_id = $1::bigint`;

/** One bounded batch ($1 approval id, $2 batch size). */
export const MATERIALIZE_STAMPS_BATCH_SQL =
  'select birth_lane.materialize_stamps_batch($1::bigint, $2::integer) as batch';
