import { z } from 'zod';

const count = z.number().int().nonnegative();
const checksum = z.string().regex(/^[0-9a-f]{32,64}$/, 'must be a hex digest');

/**
 * What the no-touch prover reads off production before and after a rehearsal. Every figure that
 * backs an NT claim is here, so a verdict can always show its numbers.
 */
export const productionSnapshotSchema = z.strictObject({
  takenAt: z.coerce.date(),
  rowCount: count,
  identityChecksum: checksum,
  stampCounts: z.strictObject({ pen: count, stamp: count, gate: count }),
  stampChecksum: checksum,
  certifiedCount: count,
  certifiedAtChecksum: checksum,
  canonicalChecksum: checksum,
  /** Row counts of the configured knowledge-graph tables; null where the table is absent. */
  kgTableCounts: z.record(z.string(), count.nullable()),
  /** Transactions committed on the database while the snapshot was taken (pg_stat_database.xact_commit). */
  xactCommit: count.optional(),
});
export type ProductionSnapshot = z.infer<typeof productionSnapshotSchema>;

export const NO_TOUCH_CLAIMS = ['NT-1', 'NT-2', 'NT-3', 'NT-4', 'NT-5', 'NT-6', 'NT-7', 'NT-8'] as const;
export const noTouchClaimIdSchema = z.enum(NO_TOUCH_CLAIMS);
export type NoTouchClaimId = z.infer<typeof noTouchClaimIdSchema>;

const figure = z.union([z.number(), z.string(), z.null()]);

export const claimResultSchema = z.strictObject({
  id: noTouchClaimIdSchema,
  /** true holds, false broken, null could not be decided (unattributable change). */
  holds: z.boolean().nullable(),
  /** The numbers behind the claim, e.g. `{ "inspect_pen.count": 12 }`. */
  before: z.record(z.string(), figure),
  after: z.record(z.string(), figure),
  detail: z.string().min(1),
});
export type ClaimResult = z.infer<typeof claimResultSchema>;

export const PROOF_VERDICTS = ['PASS', 'FAIL', 'INCONCLUSIVE'] as const;
export const proofVerdictSchema = z.enum(PROOF_VERDICTS);
export type ProofVerdict = z.infer<typeof proofVerdictSchema>;

/**
 * The prover's report. The schema itself forbids a silent PASS (NT-8): PASS needs all eight claims,
 * each holding and each with numbers on both sides, and both snapshots attached.
 */
export const proofReportSchema = z
  .strictObject({
    rehearsalId: z.string().min(1),
    verdict: proofVerdictSchema,
    claims: z.array(claimResultSchema),
    before: productionSnapshotSchema,
    after: productionSnapshotSchema,
    stagingEvidence: z.record(z.string(), z.unknown()),
  })
  .superRefine((report, ctx) => {
    const ids = new Set(report.claims.map((claim) => claim.id));
    if (ids.size !== report.claims.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['claims'],
        message: 'lists a claim twice',
        params: { rule: 'unique' },
      });
    }
    if (report.verdict !== 'PASS') return;
    for (const id of NO_TOUCH_CLAIMS) {
      const claim = report.claims.find((candidate) => candidate.id === id);
      if (!claim) {
        ctx.addIssue({
          code: 'custom',
          path: ['claims'],
          message: `PASS without ${id}`,
          params: { rule: 'no_silent_pass' },
        });
      } else if (claim.holds !== true) {
        ctx.addIssue({
          code: 'custom',
          path: ['verdict'],
          message: `PASS while ${id} does not hold`,
          params: { rule: 'no_silent_pass' },
        });
      } else if (Object.keys(claim.before).length === 0 || Object.keys(claim.after).length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['claims'],
          message: `PASS while ${id} carries no numbers`,
          params: { rule: 'no_silent_pass' },
        });
      }
    }
  });
export type ProofReport = z.infer<typeof proofReportSchema>;
