/**
 * The rule set the lane has active and the one its inspection (birth_lane.inspect_batch) is
 * compiled for: the two hashes inspect_batch itself compares before it stamps anything. Both are
 * the producer block's objects, read by name like the procedure the job calls.
 */
export const READ_INSPECTION_SQL = `select a.version as active_version, a.hash as active_hash,
        c.version as compiled_version, c.hash as compiled_hash
   from birth_lane.compiled_rule_set() c
   left join birth_lane.rule_sets a on a.status = 'active'`;

export interface ReadInspectionRow {
  active_version: string | null;
  active_hash: string | null;
  compiled_version: string | null;
  compiled_hash: string | null;
}
