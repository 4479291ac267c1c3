import { z } from 'zod';

const count = z.number().int().nonnegative();
const checksum = z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha-256 hex digest (64 lowercase hex digits)');
/** A registry id as decimal text: ids are bigint, beyond what a JSON number holds exactly. */
const idText = z.string().regex(/^[0-9]{1,19}$/, 'must be a registry id in decimal digits');
/** A signed whole number as decimal text (the bucket sums run past 2^53). */
const wholeText = z.string().regex(/^-?[0-9]{1,40}$/, 'must be a whole number in decimal digits');
/** A PostgreSQL transaction snapshot as `pg_current_snapshot()` prints it: `xmin:xmax:xip,…`. */
const transactionSnapshotText = z
  .string()
  .regex(
    /^[0-9]{1,20}:[0-9]{1,20}:([0-9]{1,20}(,[0-9]{1,20})*)?$/,
    'must be a pg_snapshot (xmin:xmax:xip,…)',
  );
/** The per-rehearsal hash salt: a positive 63-bit whole number as decimal text. */
const saltText = z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a positive whole number in decimal digits');

/** The version of the hashing scheme a snapshot was taken with (2: salted, per-column seeds, jsonb as text). */
export const SNAPSHOT_VERSION = 2;
/** Written-since ids a snapshot lists at most (the count is exact). */
export const WRITTEN_IDS_LIMIT = 1000;

/**
 * What an "after" snapshot found about the rows written since its "before" one: every registry row
 * whose current version was written by a transaction the before snapshot could not see (its xmin
 * not visible in the before's transaction snapshot). Exact, unlike the statistics counters.
 */
export const writtenSinceSchema = z.strictObject({
  /** The before snapshot's snapshotId and transaction snapshot this was judged against. */
  snapshotId: z.uuid(),
  transactionSnapshot: transactionSnapshotText,
  /** Rows whose current version the before snapshot could not see. */
  writtenRows: count,
  /** Their ids, the first WRITTEN_IDS_LIMIT in id order. */
  writtenIds: z.array(idText).max(WRITTEN_IDS_LIMIT),
  /**
   * Other sessions holding a write lock on the registry as the after snapshot ended: writes not
   * committed yet, which no snapshot can see and which may commit after the rehearsal.
   */
  pendingWriters: count,
});
export type WrittenSince = z.infer<typeof writtenSinceSchema>;

/**
 * The column groups a snapshot watches, in the order of a bucket entry's sums. Every column of
 * the registry is in exactly one group, so a change to any cell moves exactly one group's figures.
 */
export const WATCHED_GROUPS = ['pen', 'stamp', 'gate', 'certified', 'canonical', 'identity'] as const;
export type WatchedGroup = (typeof WATCHED_GROUPS)[number];

/**
 * One bucket (ids `bucket × size` … `bucket × size + size − 1`) as decimal texts:
 * `[bucket, rows, penCount, stampCount, gateCount, certifiedCount, certifiedAtCount,
 *   sum_pen, sum_stamp, sum_gate, sum_certified, sum_canonical, sum_identity, position]`.
 * `sum_g` adds the rows' 48-bit hashes of group g; `position` adds (id − bucket start) × (the row's
 * hashes of all groups), so a bucket where one row changed names that row: Δposition / Σ Δsum_g.
 */
export const BUCKET_ENTRY_LENGTH = 14;
export const bucketEntrySchema = z
  .array(wholeText)
  .length(BUCKET_ENTRY_LENGTH, `must hold ${BUCKET_ENTRY_LENGTH} figures`);
export type BucketEntry = z.infer<typeof bucketEntrySchema>;

const writeCountersSchema = z.strictObject({
  inserted: count,
  updated: count,
  deleted: count,
});

/**
 * What the no-touch prover reads off production, without its buckets: every figure that backs an
 * NT claim, so a verdict can always show its numbers. Attached to a proof report.
 */
export const snapshotFiguresSchema = z.strictObject({
  format: z.literal('birth-lane.production-snapshot'),
  /** The hashing scheme; two snapshots compare only when it is the same. */
  version: z.literal(SNAPSHOT_VERSION),
  /** A random id of its own: a snapshot is never compared with itself. */
  snapshotId: z.uuid(),
  /**
   * The salt of every hash: random, chosen by a rehearsal's "before" snapshot and reused by its
   * "after", so compensating edits cannot be computed without it. Only snapshots with the same
   * salt compare.
   */
  salt: saltText,
  /** pg_current_snapshot() of the snapshot's repeatable-read transaction. */
  transactionSnapshot: transactionSnapshotText,
  /** Only in an "after" snapshot (taken `since` a before one): the rows written since. */
  since: writtenSinceSchema.nullable(),
  takenAt: z.coerce.date({ error: 'must be a date and time (ISO 8601, e.g. 2026-01-01T00:00:00.000Z)' }),
  /** session_user of the snapshot's session. */
  takenBy: z.string().min(1),
  database: z.string().min(1),
  serverVersion: z.string().min(1),
  table: z.string().min(1),
  /** Wall time the snapshot took. */
  seconds: z.number().nonnegative(),
  rowCount: count,
  maxId: idText.nullable(),
  stampCounts: z.strictObject({ pen: count, stamp: count, gate: count }),
  stampChecksums: z.strictObject({ pen: checksum, stamp: checksum, gate: checksum }),
  certifiedCount: count,
  certifiedAtCount: count,
  /** Over `certified` and `certified_at`. */
  certifiedChecksum: checksum,
  /** Over `canonical_address`, `owner`, `jsonb_profile`, `status`. */
  canonicalChecksum: checksum,
  /** Over id, `entity_code` and the other identity and metadata fields. */
  identityChecksum: checksum,
  /** Row counts of the configured knowledge-graph tables; null where the table is absent. */
  kgTableCounts: z.record(z.string(), count.nullable()),
  /**
   * The server's own write counters (pg_stat_user_tables; null where the table is absent) and
   * pg_stat_database.xact_commit. Flushed asynchronously, so they may lag writes by seconds.
   */
  writeCounters: z.strictObject({
    tables: z.record(z.string(), writeCountersSchema.nullable()),
    xactCommit: count.nullable(),
    note: z.string(),
  }),
});
export type SnapshotFigures = z.infer<typeof snapshotFiguresSchema>;

/** Recent row versions a "before" snapshot lists at most (beyond: `complete` false). */
export const RECENT_VERSIONS_LIMIT = 10_000;

/**
 * A whole snapshot file: the figures, the per-bucket figures that locate a change later, and (in a
 * snapshot that can serve as a "before") the recent row versions it saw.
 */
export const productionSnapshotSchema = snapshotFiguresSchema.extend({
  /**
   * The row versions written by transactions at or after this snapshot's xmin that it saw, as
   * `id:xmin`: an "after" snapshot counts every such version not listed here as written since.
   * `complete` false: cut at RECENT_VERSIONS_LIMIT (the unlisted ones then count as written).
   * Null in an "after" snapshot.
   */
  recentVersions: z
    .strictObject({
      complete: z.boolean(),
      keys: z
        .array(z.string().regex(/^[0-9]{1,19}:[0-9]{1,10}$/, 'must be id:xmin'))
        .max(RECENT_VERSIONS_LIMIT),
    })
    .nullable(),
  buckets: z.strictObject({
    /** Ids per bucket (at most 4096, so a position sum stays inside 63 bits). */
    size: z.number().int().min(2).max(4096),
    groups: z.tuple([
      z.literal('pen'),
      z.literal('stamp'),
      z.literal('gate'),
      z.literal('certified'),
      z.literal('canonical'),
      z.literal('identity'),
    ]),
    entries: z.array(bucketEntrySchema),
  }),
});
export type ProductionSnapshot = z.infer<typeof productionSnapshotSchema>;

export const NO_TOUCH_CLAIMS = ['NT-1', 'NT-2', 'NT-3', 'NT-4', 'NT-5', 'NT-6', 'NT-7', 'NT-8'] as const;
export const noTouchClaimIdSchema = z.enum(NO_TOUCH_CLAIMS);
export type NoTouchClaimId = z.infer<typeof noTouchClaimIdSchema>;

/** The fail-open conditions of seed 002 a failed claim names. */
export const FAIL_OPEN_CONDITIONS = {
  'F-OPEN-1': 'phantom stamp',
  'F-OPEN-2': 'unearned certify',
  'F-OPEN-3': 'canonical leak',
  'F-OPEN-8': 'production leak',
  'F-OPEN-9': 'disposal residue',
  'F-OPEN-10': 'silent PASS',
} as const;
export type FailOpenCondition = keyof typeof FAIL_OPEN_CONDITIONS;
export const failOpenConditionSchema = z.enum(
  Object.keys(FAIL_OPEN_CONDITIONS) as [FailOpenCondition, ...FailOpenCondition[]],
);

const figure = z.union([z.number(), z.string(), z.null()]);

/** Where a claim's figures differ: exact ids where a bucket pins one row, else id ranges. */
export const claimChangesSchema = z.strictObject({
  ids: z.array(idText),
  /** Changed ids beyond the listing limit. */
  moreIds: count,
  ranges: z.array(z.strictObject({ from: idText, to: idText })),
});
export type ClaimChanges = z.infer<typeof claimChangesSchema>;

export const claimResultSchema = z
  .strictObject({
    id: noTouchClaimIdSchema,
    /** true holds, false broken, null could not be decided (unattributable change, missing evidence). */
    holds: z.boolean().nullable(),
    /** The numbers behind the claim, e.g. `{ "inspect_pen.count": 12 }`. */
    before: z.record(z.string(), figure),
    after: z.record(z.string(), figure),
    detail: z.string().min(1),
    /** The F-OPEN condition a broken claim disqualifies the rehearsal with. */
    failCondition: failOpenConditionSchema.optional(),
    changes: claimChangesSchema.optional(),
  })
  .superRefine((claim, ctx) => {
    if (claim.holds === false && claim.failCondition === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['failCondition'],
        message: 'a broken claim names its F-OPEN condition',
        params: { rule: 'required' },
      });
    }
  });
export type ClaimResult = z.infer<typeof claimResultSchema>;

export const PROOF_VERDICTS = ['PASS', 'FAIL', 'INCONCLUSIVE'] as const;
export const proofVerdictSchema = z.enum(PROOF_VERDICTS);
export type ProofVerdict = z.infer<typeof proofVerdictSchema>;

/** FAIL if any claim is broken, else INCONCLUSIVE if any is undecided, else PASS. */
export function verdictOf(claims: readonly Pick<ClaimResult, 'holds'>[]): ProofVerdict {
  if (claims.some((claim) => claim.holds === false)) return 'FAIL';
  if (claims.some((claim) => claim.holds === null)) return 'INCONCLUSIVE';
  return 'PASS';
}

/** The figures of the two snapshots that must agree for production to count as untouched. */
const UNTOUCHED_FIGURES = [
  'rowCount',
  'maxId',
  'stampCounts',
  'stampChecksums',
  'certifiedCount',
  'certifiedAtCount',
  'certifiedChecksum',
  'canonicalChecksum',
  'identityChecksum',
  'kgTableCounts',
] as const;

/**
 * The prover's report. The schema itself forbids a silent PASS (NT-8, F-OPEN-10): PASS needs all
 * eight claims, each holding and each with numbers on both sides, and the two attached snapshots
 * agreeing on every watched figure; and a verdict must follow from its claims.
 */
export const proofReportSchema = z
  .strictObject({
    rehearsalId: z.string().min(1),
    verdict: proofVerdictSchema,
    claims: z.array(claimResultSchema),
    before: snapshotFiguresSchema,
    after: snapshotFiguresSchema,
    stagingEvidence: z.record(z.string(), z.unknown()),
  })
  .superRefine((report, ctx) => {
    const silent = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message, params: { rule: 'no_silent_pass' } });
    const ids = new Set(report.claims.map((claim) => claim.id));
    if (ids.size !== report.claims.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['claims'],
        message: 'lists a claim twice',
        params: { rule: 'unique' },
      });
    }
    const derived = verdictOf(report.claims);
    if (report.verdict !== 'PASS' && report.verdict !== derived) {
      ctx.addIssue({
        code: 'custom',
        path: ['verdict'],
        message: `${report.verdict} does not follow from the claims (they give ${derived})`,
        params: { rule: 'follows_from_claims' },
      });
    }
    if (report.verdict !== 'PASS') return;
    for (const id of NO_TOUCH_CLAIMS) {
      const claim = report.claims.find((candidate) => candidate.id === id);
      if (!claim) silent('claims', `PASS without ${id}`);
      else if (claim.holds !== true) silent('verdict', `PASS while ${id} does not hold`);
      else if (Object.keys(claim.before).length === 0 || Object.keys(claim.after).length === 0)
        silent('claims', `PASS while ${id} carries no numbers`);
    }
    for (const field of UNTOUCHED_FIGURES) {
      if (JSON.stringify(report.before[field]) !== JSON.stringify(report.after[field]))
        silent('after', `PASS while the snapshots differ in ${field}`);
    }
    // The exact backstop: the after snapshot must have looked for rows written since this very
    // before snapshot (a distinct one, same salt), and found none.
    const { before, after } = report;
    if (before.snapshotId === after.snapshotId) silent('after', 'PASS comparing a snapshot with itself');
    if (before.salt !== after.salt) silent('after', 'PASS over snapshots with different salts');
    if (after.since === null) silent('after', 'PASS without the written-since figures (after.since)');
    else {
      if (
        after.since.snapshotId !== before.snapshotId ||
        after.since.transactionSnapshot !== before.transactionSnapshot
      )
        silent('after', 'PASS whose written-since figures were taken against another before snapshot');
      if (after.since.pendingWriters > 0)
        silent(
          'after',
          `PASS while ${after.since.pendingWriters} session(s) held uncommitted writes on the registry`,
        );
      if (after.since.writtenRows > 0)
        silent(
          'after',
          `PASS while ${after.since.writtenRows} registry row(s) were written since the before snapshot`,
        );
    }
  });
export type ProofReport = z.infer<typeof proofReportSchema>;
