import { createHash } from 'node:crypto';
import { type BucketEntry, WATCHED_GROUPS, type WatchedGroup } from '@birth-lane/contract';

/** Index of each figure in a bucket entry (see the contract's bucketEntrySchema). */
export const FIGURE = {
  bucket: 0,
  rows: 1,
  penCount: 2,
  stampCount: 3,
  gateCount: 4,
  certifiedCount: 5,
  certifiedAtCount: 6,
  position: 13,
} as const;

/** Index of group g's hash sum in a bucket entry. */
export function sumIndex(group: WatchedGroup): number {
  return 7 + WATCHED_GROUPS.indexOf(group);
}

/** Bucket figures as bigints (bucket number first), as the chunks add them up. */
export type BucketFigures = bigint[];

export function addInto(target: BucketFigures, figures: readonly bigint[]): void {
  for (let index = 1; index < figures.length; index += 1)
    target[index] = (target[index] ?? 0n) + figures[index]!;
}

/** The entries in bucket order, as decimal texts. */
export function toEntries(buckets: ReadonlyMap<bigint, BucketFigures>): BucketEntry[] {
  return [...buckets.values()]
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0))
    .map((figures) => figures.map(String));
}

/**
 * A group's checksum: sha-256 over every bucket's number and the group's hash sum, in bucket
 * order. Order-independent (the sums are), and it moves whenever one bucket's sum does.
 */
export function groupChecksum(
  entries: readonly BucketEntry[],
  group: WatchedGroup,
  bucketSize: number,
): string {
  const index = sumIndex(group);
  const hash = createHash('sha256').update(`birth-lane.snapshot.v1|${group}|${bucketSize}|`);
  for (const entry of entries) hash.update(`${entry[FIGURE.bucket]}:${entry[index]};`);
  return hash.digest('hex');
}

/** The totals of a count figure over all buckets. */
export function totalOf(entries: readonly BucketEntry[], index: number): number {
  let total = 0n;
  for (const entry of entries) total += BigInt(entry[index]!);
  return Number(total);
}
