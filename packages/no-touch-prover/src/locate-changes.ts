import {
  type BucketEntry,
  type ProductionSnapshot,
  WATCHED_GROUPS,
  type WatchedGroup,
} from '@birth-lane/contract';
import { FIGURE, sumIndex } from './bucket-figures.js';

/** Where one bucket changed between two snapshots. */
export interface BucketChange {
  readonly bucket: bigint;
  /**
   * The groups whose hash sum moved in this bucket; every group when only the position sum (or a
   * count) moved: a change the sums cannot place is a change of any group it could belong to.
   */
  readonly groups: readonly WatchedGroup[];
  /** True when no group sum moved (only the position sum or a count): the groups are a guess. */
  readonly unplaced: boolean;
  /** The one row that changed, when the position sum pins it; else null (several rows changed). */
  readonly id: bigint | null;
  /** The bucket's ids, first and last. */
  readonly from: bigint;
  readonly to: bigint;
}

/**
 * Compares two snapshots bucket by bucket. A bucket whose figures all agree is unchanged (up to
 * the 2^-48 chance of a 48-bit hash collision per changed cell). Where they differ and one row
 * changed, Δposition = offset × Σ Δsum_g exactly, so the quotient names the row: it must divide
 * evenly and fall inside the bucket, which several changed rows almost never do by chance (about
 * bucketSize / 2^47). Otherwise the whole bucket is reported as a range.
 *
 * Why flat buckets and not a coarse-to-fine descent (data-diff): both snapshots are already in
 * memory and 1,200 bucket pairs compare in well under a millisecond; the descent from bucket to
 * row is the position sum, which needs no second look at the data.
 */
export function locateChanges(before: ProductionSnapshot, after: ProductionSnapshot): BucketChange[] {
  const size = BigInt(before.buckets.size);
  const old = byBucket(before.buckets.entries);
  const now = byBucket(after.buckets.entries);
  const buckets = [...new Set([...old.keys(), ...now.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const changes: BucketChange[] = [];
  for (const bucket of buckets) {
    const a = old.get(bucket);
    const b = now.get(bucket);
    const figure = (entry: BucketEntry | undefined, index: number) => (entry ? BigInt(entry[index]!) : 0n);
    const moved = WATCHED_GROUPS.filter((group) => figure(a, sumIndex(group)) !== figure(b, sumIndex(group)));
    if (moved.length === 0 && a?.join() === b?.join()) continue;
    // Never dropped: a bucket that differs in anything but no group sum is every group's change.
    const unplaced = moved.length === 0;
    const groups = unplaced ? [...WATCHED_GROUPS] : moved;
    const sumDelta = WATCHED_GROUPS.reduce(
      (total, group) => total + figure(b, sumIndex(group)) - figure(a, sumIndex(group)),
      0n,
    );
    const positionDelta = figure(b, FIGURE.position) - figure(a, FIGURE.position);
    const from = bucket * size;
    let id: bigint | null = null;
    if (sumDelta !== 0n && positionDelta % sumDelta === 0n) {
      const offset = positionDelta / sumDelta;
      if (offset >= 0n && offset < size) id = from + offset;
    }
    changes.push({ bucket, groups, unplaced, id, from, to: from + size - 1n });
  }
  return changes;
}

function byBucket(entries: readonly BucketEntry[]): Map<bigint, BucketEntry> {
  return new Map(entries.map((entry) => [BigInt(entry[FIGURE.bucket]!), entry]));
}
