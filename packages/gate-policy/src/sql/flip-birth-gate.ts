/** The flip, decided by the database (sql/0002_gate_flip.sql); $2 may be null (no approval). */
export const FLIP_BIRTH_GATE_SQL = `select birth_lane.flip_birth_gate($1::text, $2::bigint,
  make_interval(secs => $3::double precision), make_interval(secs => $4::double precision)) as result`;

/** The flip criteria measured now, without flipping. */
export const SELECT_GATE_FLIP_CRITERIA_SQL = `select birth_lane.gate_flip_criteria($1::bigint,
  make_interval(secs => $2::double precision), make_interval(secs => $3::double precision)) as criteria,
  birth_lane.gate_flip_scope() as scope`;
