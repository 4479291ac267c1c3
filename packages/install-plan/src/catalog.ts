/**
 * The catalog machinery this block uses, all from the contract: a snapshot of the database's
 * install state keyed by footprint refs, the diff of two snapshots, a snapshot's hash, a step's
 * planned footprint (what it creates, changes and removes) and the diff compared with it.
 */
export {
  type CatalogSnapshot,
  catalogSnapshotHash,
  compareFootprint,
  diffCatalog,
  plannedFootprint,
  snapshotCatalog,
} from '@birth-lane/contract';
