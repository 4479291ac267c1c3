import {
  type ProductionSnapshot,
  parseOrThrow,
  productionSnapshotSchema,
  ValidationError,
  type ValidationIssue,
} from '@birth-lane/contract';
import { FIGURE, groupChecksum, totalOf } from './bucket-figures.js';

/**
 * A snapshot read from a file or handed over: the schema first (each broken field named), then
 * its own arithmetic: the totals and checksums must follow from its buckets, so a hand-edited
 * figure is refused instead of proving anything.
 */
export function parseSnapshot(input: unknown, subject = 'snapshot'): ProductionSnapshot {
  const snapshot = parseOrThrow(productionSnapshotSchema, input, subject);
  const { entries, size } = snapshot.buckets;
  const issues: ValidationIssue[] = [];
  const expect = (field: string, stated: unknown, computed: unknown) => {
    if (stated !== computed)
      issues.push({
        field,
        rule: 'matches_buckets',
        message: `says ${String(stated)} but its buckets give ${String(computed)}`,
      });
  };
  expect('rowCount', snapshot.rowCount, totalOf(entries, FIGURE.rows));
  expect('stampCounts.pen', snapshot.stampCounts.pen, totalOf(entries, FIGURE.penCount));
  expect('stampCounts.stamp', snapshot.stampCounts.stamp, totalOf(entries, FIGURE.stampCount));
  expect('stampCounts.gate', snapshot.stampCounts.gate, totalOf(entries, FIGURE.gateCount));
  expect('certifiedCount', snapshot.certifiedCount, totalOf(entries, FIGURE.certifiedCount));
  expect('certifiedAtCount', snapshot.certifiedAtCount, totalOf(entries, FIGURE.certifiedAtCount));
  expect('stampChecksums.pen', snapshot.stampChecksums.pen, groupChecksum(entries, 'pen', size));
  expect('stampChecksums.stamp', snapshot.stampChecksums.stamp, groupChecksum(entries, 'stamp', size));
  expect('stampChecksums.gate', snapshot.stampChecksums.gate, groupChecksum(entries, 'gate', size));
  expect('certifiedChecksum', snapshot.certifiedChecksum, groupChecksum(entries, 'certified', size));
  expect('canonicalChecksum', snapshot.canonicalChecksum, groupChecksum(entries, 'canonical', size));
  expect('identityChecksum', snapshot.identityChecksum, groupChecksum(entries, 'identity', size));
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const bucket = entry[FIGURE.bucket]!;
    if (seen.has(bucket))
      issues.push({
        field: `buckets.entries.${index}.0`,
        rule: 'unique',
        message: `bucket ${bucket} appears twice`,
      });
    seen.add(bucket);
  });
  if (issues.length > 0) throw new ValidationError(subject, issues);
  return snapshot;
}
