import {
  type ProductionSnapshot,
  parseOrThrow,
  productionSnapshotSchema,
  SNAPSHOT_VERSION,
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
  refuseOtherFiles(input, subject);
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
  if (snapshot.since && snapshot.since.writtenIds.length > snapshot.since.writtenRows)
    issues.push({
      field: 'since.writtenIds',
      rule: 'matches_count',
      message: `lists ${snapshot.since.writtenIds.length} ids but since.writtenRows says ${snapshot.since.writtenRows}`,
    });
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

/**
 * Anything that is not a snapshot file at all (another JSON file, a rule set, an older snapshot
 * version) gets one line saying so, not a list of every field it lacks.
 */
function refuseOtherFiles(input: unknown, subject: string): void {
  const object = typeof input === 'object' && input !== null && !Array.isArray(input) ? input : undefined;
  const format = object && 'format' in object ? object.format : undefined;
  if (format !== SNAPSHOT_FORMAT)
    throw new ValidationError(subject, [
      {
        field: 'format',
        rule: 'one_of',
        message: `is not a birth-lane snapshot: a snapshot file is the JSON \`birth-lane prove snapshot\` writes, with "format": "${SNAPSHOT_FORMAT}" (this has ${format === undefined ? 'no format' : JSON.stringify(format)})`,
      },
    ]);
  const version = 'version' in object! ? object.version : undefined;
  if (version !== SNAPSHOT_VERSION)
    throw new ValidationError(subject, [
      {
        field: 'version',
        rule: 'one_of',
        message: `is ${JSON.stringify(version)}: this prover reads snapshots of hashing version ${SNAPSHOT_VERSION} only; take both snapshots again with this version`,
      },
    ]);
}

const SNAPSHOT_FORMAT = 'birth-lane.production-snapshot';
