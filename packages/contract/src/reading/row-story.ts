import type { Queryable } from '../ports/queryable.js';
import {
  type ApprovalVoteRow,
  type PromotionRequestRow,
  SELECT_APPROVAL_VOTES_SQL,
  SELECT_PROMOTION_REQUEST_SQL,
} from '../sql/select-promotion-request.js';
import { type RowByEntityCodeRow, SELECT_ROW_BY_ENTITY_CODE_SQL } from '../sql/select-row-by-entity-code.js';
import { type RowEvidenceRow, SELECT_ROW_EVIDENCE_SQL } from '../sql/select-row-evidence.js';
import { sortEvidenceRows } from '../stored-evidence.js';

/** A record on file that does not read as what its kind promises: reported, never fatal. */
export interface MalformedRecord {
  readonly evidenceId: string;
  readonly kind: string;
  readonly recordedAt: string;
  readonly problem: string;
}

export type RowVerdict =
  | 'certified'
  | 'out_of_scope'
  | 'ambiguous'
  | 'failing'
  | 'awaiting_promotion'
  | 'never_inspected'
  | 'in_progress';

export interface RowStory {
  readonly rowId: string;
  readonly entityCode: string;
  readonly collection: string | null;
  readonly governanceRole: string;
  readonly bornAt: string | null;
  readonly canonical: boolean;
  readonly stamps: {
    readonly pen: string | null;
    readonly stamp: string | null;
    readonly gate: string | null;
  };
  readonly stampState: string;
  readonly stampReason: string;
  readonly certified: boolean;
  readonly certifiedAt: string | null;
  readonly activeRuleSetHash: string | null;
  readonly failures: readonly {
    readonly recordedAt: string;
    readonly runId: string | null;
    readonly stage: string | null;
    readonly checkId: string | null;
    readonly message: string | null;
    readonly ruleSetHash: string | null;
    readonly underActiveRuleSet: boolean;
  }[];
  readonly ambiguity: {
    readonly reason: string;
    readonly recordedAt: string | null;
    readonly runId: string | null;
  } | null;
  readonly promotion: {
    readonly requestId: string;
    readonly risk: string;
    readonly requestedAt: string;
    readonly reason: string;
    readonly quorumMet: boolean;
    /** When the approval was used (the promotion consumed it), else null. */
    readonly usedAt: string | null;
    /** What the quorum still lacks, as the approvals record says it. */
    readonly missing: readonly string[];
    readonly votes: readonly {
      readonly voter: string;
      readonly role: string;
      readonly decision: string;
      readonly castAt: string;
    }[];
  } | null;
  readonly malformed: readonly MalformedRecord[];
  readonly verdict: RowVerdict;
  /** What would make the row certifiable (or why nothing needs to). */
  readonly next: string;
}

/**
 * One row's whole story from the registry, the evidence log and the approvals; null when no row
 * has that code. `activeRuleSetHash` (the rule set the producer judges by, null when none is
 * active) decides which failures still count. Ambiguity and promotion records are read through
 * the evidence schema: one that does not match it is listed in `malformed`, never trusted.
 */
export async function explainRow(
  db: Queryable,
  entityCode: string,
  activeRuleSetHash: string | null,
): Promise<RowStory | null> {
  const { rows } = await db.query<RowByEntityCodeRow>(SELECT_ROW_BY_ENTITY_CODE_SQL, [entityCode]);
  const row = rows[0];
  if (!row) return null;
  const { rows: evidence } = await db.query<RowEvidenceRow>(SELECT_ROW_EVIDENCE_SQL, [row.id]);

  // Failures are read from their typed columns, like `birth-lane failures`; the other kinds
  // carry their facts in the payload, so they go through the schema.
  const failures = evidence
    .filter((e) => e.kind === 'inspection_failure')
    .map((e) => ({
      recordedAt: e.recorded_at.toISOString(),
      runId: e.run_id,
      stage: e.stage,
      checkId: e.check_id,
      message: e.message,
      ruleSetHash: e.rule_set_hash,
      underActiveRuleSet: activeRuleSetHash !== null && e.rule_set_hash === activeRuleSetHash,
    }));
  const records = evidence.filter((e) => e.kind !== 'inspection_failure');
  const reading = sortEvidenceRows(records);
  const recordedAt = new Map(records.map((e) => [e.id, e.recorded_at.toISOString()]));
  const malformed: MalformedRecord[] = reading.malformed.map((bad) => ({
    evidenceId: bad.id,
    kind: bad.kind,
    recordedAt: recordedAt.get(bad.id)!,
    problem: bad.problem,
  }));

  const ambiguousRow = records.findLast((e) => e.kind === 'ambiguous_row');
  const ambiguousRecord = reading.records.find((stored) => stored.id === ambiguousRow?.id)?.record;
  const ambiguousReason = ambiguousRecord?.kind === 'ambiguous_row' ? ambiguousRecord.reason : null;
  const ambiguity =
    row.state === 'ambiguous' || ambiguousRow
      ? {
          reason: row.state === 'ambiguous' ? row.reason : (ambiguousReason ?? 'unknown'),
          recordedAt: ambiguousRow?.recorded_at.toISOString() ?? null,
          runId: ambiguousRow?.run_id ?? null,
        }
      : null;

  const story = {
    rowId: row.id,
    entityCode: row.entity_code,
    collection: row.collection_name,
    governanceRole: row.governance_role,
    bornAt: row.born_at?.toISOString() ?? null,
    canonical: row.canonical,
    stamps: {
      pen: row.inspect_pen?.toISOString() ?? null,
      stamp: row.inspect_stamp?.toISOString() ?? null,
      gate: row.inspect_gate?.toISOString() ?? null,
    },
    stampState: row.state,
    stampReason: row.reason,
    certified: row.certified,
    certifiedAt: row.certified_at?.toISOString() ?? null,
    activeRuleSetHash,
    failures,
    ambiguity,
    promotion: await readPromotion(db, row.id),
    malformed,
  };
  const { verdict, next } = judge(story);
  return { ...story, verdict, next };
}

// The request is found by its scope (the certify consumer files exactly one per row), not through
// the promotion_requested record, so a malformed record cannot hide the request.
async function readPromotion(db: Queryable, rowId: string): Promise<RowStory['promotion']> {
  const { rows } = await db.query<PromotionRequestRow>(SELECT_PROMOTION_REQUEST_SQL, [rowId]);
  const request = rows[0];
  if (!request) return null;
  const { rows: votes } = await db.query<ApprovalVoteRow>(SELECT_APPROVAL_VOTES_SQL, [request.id]);
  return {
    requestId: request.id,
    risk: request.risk,
    requestedAt: request.created_at.toISOString(),
    reason: request.reason,
    quorumMet: request.met,
    usedAt: typeof request.status?.usedAt === 'string' ? new Date(request.status.usedAt).toISOString() : null,
    missing: Array.isArray(request.status?.missing) ? request.status.missing.map(String) : [],
    votes: votes.map((v) => ({
      voter: v.voter,
      role: v.role,
      decision: v.decision,
      castAt: v.cast_at.toISOString(),
    })),
  };
}

/** The verdict and the next step, from the story alone (pure; unit-tested). */
export function judge(story: Omit<RowStory, 'verdict' | 'next'>): { verdict: RowVerdict; next: string } {
  if (story.certified)
    return {
      verdict: 'certified',
      next: story.certifiedAt ? `nothing: certified at ${story.certifiedAt}` : 'nothing: certified',
    };
  if (story.governanceRole !== 'governed')
    return {
      verdict: 'out_of_scope',
      next: `nothing: ${story.governanceRole} rows are out of the lane's scope and never certified`,
    };
  if (story.stampState === 'ambiguous')
    return {
      verdict: 'ambiguous',
      next:
        `a person must resolve it: its stamps are out of order (${story.stampReason}), so the lane never continues ` +
        'or certifies it; the stamps cannot be cleared by the lane roles (the inspect stud refuses)',
    };
  const current = story.failures.filter((f) => f.underActiveRuleSet);
  if (current.length > 0) {
    const checks = [...new Set(current.map((f) => `${f.stage}:${f.checkId}`))];
    return {
      verdict: 'failing',
      next: `fix the row's data so that ${checks.join(', ')} pass${checks.length === 1 ? 'es' : ''}; the next run re-inspects it (\`birth-lane run\`)`,
    };
  }
  if (story.stampState === 'complete' && story.canonical) {
    if (!story.promotion)
      return {
        verdict: 'awaiting_promotion',
        next: 'a promotion request for it is expected (the certify consumer files one when the stamps complete)',
      };
    return {
      verdict: 'awaiting_promotion',
      next: story.promotion.quorumMet
        ? `quorum is met: certify it with select birth_lane.promote(${story.rowId}, ${story.promotion.requestId});`
        : `approval request ${story.promotion.requestId} (risk ${story.promotion.risk}) needs quorum${story.promotion.missing.length > 0 ? ` (missing: ${story.promotion.missing.join(', ')})` : ''}: each approver runs \`birth-lane approvals vote ${story.promotion.requestId} --approve\` as their own login; then birth_lane.promote(${story.rowId}, ${story.promotion.requestId})`,
    };
  }
  if (story.stampState === 'none' && story.failures.length === 0)
    return { verdict: 'never_inspected', next: 'a producer run inspects it: `birth-lane run`' };
  return {
    verdict: 'in_progress',
    next:
      story.failures.length > 0
        ? 'its failures are under another rule set than the active one: the next run re-judges it (`birth-lane run`)'
        : `a producer run continues it from ${story.stampReason} (\`birth-lane run\`)`,
  };
}
