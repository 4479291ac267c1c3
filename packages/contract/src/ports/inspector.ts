import type { InspectStage } from '../inspect.js';
import type { InspectableRow } from '../registry-row.js';
import type { RuleSetRef } from '../rule-set.js';
import type { StageVerdict } from '../verdict.js';

/**
 * Judges one stage of one row under one rule set. Pure: no I/O, no clock beyond `now`,
 * so the same row and rule set always give the same verdict.
 */
export interface Inspector {
  readonly specificationVersion: 'v1';
  readonly stage: InspectStage;
  readonly ruleSet: RuleSetRef;
  inspect(row: InspectableRow, now?: Date): StageVerdict;
}
