import type { Queryable } from '@birth-lane/contract';
import { type CompiledRuleSetRow, SELECT_COMPILED_RULE_SET_SQL } from '../sql/select-compiled-rule-set.js';

/**
 * What the inspection in the database judges by now: the version and hash birth_lane.inspect_batch
 * was compiled for at the last activation, or nulls when no rule set was ever activated. It can
 * differ from the store's `active` row only while an activation is in flight or after tampering.
 */
export async function loadCompiledRuleSet(db: Queryable): Promise<CompiledRuleSetRow> {
  const { rows } = await db.query<CompiledRuleSetRow>(SELECT_COMPILED_RULE_SET_SQL);
  return rows[0] ?? { version: null, hash: null };
}
