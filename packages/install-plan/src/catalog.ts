import type { Step } from '@birth-lane/contract';

/**
 * The catalog machinery this block uses, from the contract: a snapshot of the database's install
 * state keyed by footprint refs, the diff of two snapshots and a snapshot's hash. One import site.
 */
export {
  type CatalogSnapshot,
  catalogSnapshotHash,
  diffCatalog,
  snapshotCatalog,
} from '@birth-lane/contract';

/**
 * Every ref a step may add, change or remove: its footprint (created and adopted objects) and,
 * where the step declares them, the objects it changes and removes.
 */
export function plannedFootprint(step: Step): readonly string[] {
  const extended = step as Step & { changes?: readonly string[]; removes?: readonly string[] };
  return [...new Set([...step.footprint, ...(extended.changes ?? []), ...(extended.removes ?? [])])];
}
