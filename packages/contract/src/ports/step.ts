import type { Risk } from '../approval.js';
import type { Queryable } from './queryable.js';

export interface StepCheck {
  readonly ok: boolean;
  /** What was observed, in words and numbers. */
  readonly observed: string;
}

/**
 * One database change of the install plan (brief section 7): prerequisites, a live re-verify of the
 * state it expects, the exact mutation, stop conditions, success evidence and its rollback. A step
 * can be rehearsed inside BEGIN … ROLLBACK, and is applied only with an approval for that step.
 */
export interface Step {
  readonly specificationVersion: 'v1';
  /** Stable id, `<package>/<number>_<slug>`, e.g. `contract/0001_registry`. */
  readonly id: string;
  readonly title: string;
  readonly risk: Risk;
  /** Ids of steps that must have been applied first. */
  readonly prerequisites: readonly string[];
  /** The exact SQL this step may run. */
  readonly mutation: string;
  /** SQL that undoes the mutation. */
  readonly rollback: string;
  /**
   * Catalog objects the step is planned to create (grants included, as `grant:` refs), and those it
   * adopts; a larger footprint is a stop condition. See plannedFootprint for all it may touch.
   */
  readonly footprint: readonly string[];
  /** Existing objects the step alters or replaces (a function body, a table's columns). */
  readonly changes?: readonly string[];
  /** Existing objects the step drops, and grants it revokes. */
  readonly removes?: readonly string[];
  /** Objects in `footprint` the step creates only if absent and may find already there (never dropped by its rollback unless unused). */
  readonly adopts?: readonly string[];
  /** Checks the database is in the state the step expects, right before it runs. */
  reverify(db: Queryable): Promise<StepCheck>;
  /** Reasons to stop now; empty means go. */
  stopConditions(db: Queryable): Promise<string[]>;
  /** Checks the mutation did what it should, right after it runs. */
  successEvidence(db: Queryable): Promise<StepCheck>;
}
