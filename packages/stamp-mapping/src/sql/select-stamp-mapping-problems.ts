/** The live catalog's judgement of a mapping ($1 jsonb) and the mapping's hash, as the database computes it. */
export const SELECT_STAMP_MAPPING_PROBLEMS_SQL = `select
  coalesce((select jsonb_agg(jsonb_build_object('entry', p.entry, 'field', p.field, 'rule', p.rule, 'message', p.message))
              from birth_lane.stamp_mapping_problems($1::jsonb) p), '[]'::jsonb) as problems,
  birth_lane.stamp_mapping_hash($1::jsonb) as hash`;
