import type { Queryable } from '../ports/queryable.js';

/**
 * Which rule set the lane judges by, as the host's rule-set store answers it (the app asks the
 * inspect producer's store): its hash, or null when no valid rule set is active. The contract
 * does not know the store; `explain` needs the answer to tell current failures from old ones.
 */
export interface ActiveRuleSetSource {
  activeRuleSetHash(db: Queryable): Promise<string | null>;
}
