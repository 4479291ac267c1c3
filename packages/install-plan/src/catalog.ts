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

import { type CatalogSnapshot, catalogSnapshotHash } from '@birth-lane/contract';

/**
 * The hash of this database's own part of a snapshot: without roles and memberships, which are
 * cluster-wide (another database's install, or its tests, change them at any time). A stale
 * rehearsal is one whose database changed; a role changed meanwhile is the apply's footprint
 * check's business.
 */
export function databaseCatalogHash(snapshot: CatalogSnapshot): string {
  const objects = Object.fromEntries(
    Object.entries(snapshot.objects).filter(
      ([ref]) => !ref.startsWith('role:') && !ref.startsWith('membership:'),
    ),
  );
  return catalogSnapshotHash({ ...snapshot, objects });
}
