import type { InspectStage } from '../inspect.js';
import type { RuleSet } from '../rule-set.js';
import type { Queryable } from './queryable.js';

/** A rule set with the content hash it is known by (`ruleSetHash`). */
export interface HashedRuleSet {
  readonly ruleSet: RuleSet;
  readonly hash: string;
}

/**
 * What a block needs of the inspection producer's rule compiler without importing it: which rule
 * set production's inspection was compiled from, a stored rule set by version, and the SQL a
 * stage's checks compile to. The staging surface judges its copy with exactly this SQL, so a
 * rehearsal and production can differ only in the rows, never in the rules' meaning.
 */
export interface InspectionCompiler {
  readonly specificationVersion: 'v1';
  /** The rule set the production inspection (birth_lane.inspect_batch) was compiled from, or null. */
  compiledRuleSet(db: Queryable): Promise<HashedRuleSet | null>;
  /** A stored rule set by version (any status), or null when the store has no such version. */
  storedRuleSet(db: Queryable, version: string): Promise<HashedRuleSet | null>;
  /**
   * A text[] SQL expression: ids of the stage's failed checks for the row alias (empty = pass),
   * exactly what the production inspection is compiled from. Alias columns: the registry's.
   * Throws when the rule set cannot be compiled.
   */
  stageFailuresSql(ruleSet: RuleSet, stage: InspectStage, rowAlias: string): string;
}
