/**
 * The latest pilot verdicts the app recorded (notes with topic `pilot.verdict`), newest first:
 * notes are few, read through evidence_kind_recorded_idx. Parameter: how many.
 */
export const SELECT_PILOT_NOTES_SQL = `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload
  from birth_lane.evidence e
 where e.kind = 'note' and e.payload ->> 'topic' = 'pilot.verdict'
 order by e.recorded_at desc, e.id desc
 limit $1::int`;
