/** The rule set birth_lane.inspect_batch is compiled for: one row, nulls before any activation. */
export const SELECT_COMPILED_RULE_SET_SQL = 'select version, hash from birth_lane.compiled_rule_set()';

export interface CompiledRuleSetRow {
  version: string | null;
  hash: string | null;
}
