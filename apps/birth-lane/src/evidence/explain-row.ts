import type { Queryable } from '@birth-lane/contract';
import { inspectReasonSql, inspectStateSql } from '@birth-lane/inspect-contract';

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

/** One row's whole story from the registry and the evidence log; null when no row has that code. */
export async function explainRow(
  db: Queryable,
  entityCode: string,
  activeRuleSetHash: string | null,
): Promise<RowStory | null> {
  const { rows } = await db.query<{
    id: string;
    entity_code: string;
    collection_name: string | null;
    governance_role: string;
    born_at: Date | null;
    inspect_pen: Date | null;
    inspect_stamp: Date | null;
    inspect_gate: Date | null;
    certified: boolean;
    certified_at: Date | null;
    state: string;
    reason: string;
    canonical: boolean;
  }>(
    `select id::text as id, entity_code, collection_name, governance_role, born_at, inspect_pen, inspect_stamp,
            inspect_gate, certified, certified_at,
            ${inspectStateSql('inspect_pen', 'inspect_stamp', 'inspect_gate')} as state,
            ${inspectReasonSql('inspect_pen', 'inspect_stamp', 'inspect_gate')} as reason,
            coalesce(collection_name = any (birth_lane.canonical_collection_list()), false) as canonical
       from public.birth_registry where entity_code = $1::text`,
    [entityCode],
  );
  const row = rows[0];
  if (!row) return null;

  const { rows: evidence } = await db.query<{
    id: string;
    kind: string;
    recorded_at: Date;
    run_id: string | null;
    stage: string | null;
    check_id: string | null;
    rule_set_hash: string | null;
    message: string | null;
    payload: unknown;
  }>(
    `select e.id::text as id, e.kind, e.recorded_at, e.run_id::text as run_id, e.stage, e.check_id, e.rule_set_hash,
            e.message, e.payload
       from birth_lane.evidence e
      where e.row_id = $1::bigint and e.kind in ('inspection_failure', 'ambiguous_row', 'promotion_requested')
      order by e.id`,
    [row.id],
  );
  const malformed: MalformedRecord[] = [];
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
  const ambiguousRecord = [...evidence].reverse().find((e) => e.kind === 'ambiguous_row');
  const ambiguousReason =
    ambiguousRecord && typeof (ambiguousRecord.payload as { reason?: unknown } | null)?.reason === 'string'
      ? (ambiguousRecord.payload as { reason: string }).reason
      : null;
  if (ambiguousRecord && ambiguousReason === null)
    malformed.push({
      evidenceId: ambiguousRecord.id,
      kind: 'ambiguous_row',
      recordedAt: ambiguousRecord.recorded_at.toISOString(),
      problem: 'payload.reason is missing or not text',
    });
  const ambiguity =
    row.state === 'ambiguous' || ambiguousRecord
      ? {
          reason: row.state === 'ambiguous' ? row.reason : (ambiguousReason ?? 'unknown'),
          recordedAt: ambiguousRecord?.recorded_at.toISOString() ?? null,
          runId: ambiguousRecord?.run_id ?? null,
        }
      : null;

  const promotion = await readPromotion(db, row.id, evidence, malformed);
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
    promotion,
    malformed,
  };
  const { verdict, next } = judge(story);
  return { ...story, verdict, next };
}

async function readPromotion(
  db: Queryable,
  rowId: string,
  evidence: readonly { id: string; kind: string; recorded_at: Date; payload: unknown }[],
  malformed: MalformedRecord[],
): Promise<RowStory['promotion']> {
  // The request is found by its scope (the certify consumer files exactly one per row); the
  // evidence record is only cross-checked, so a malformed record cannot hide the request.
  const { rows } = await db.query<{
    id: string;
    risk: string;
    created_at: Date;
    reason: string;
    met: boolean;
    status: { usedAt?: string | null; missing?: unknown } | null;
  }>(
    `select id::text as id, risk, created_at, reason, birth_lane.approval_quorum_met(id) as met,
            birth_lane.approval_status(id) as status
       from birth_lane.approval_requests q
      where action = 'promotion' and scope = jsonb_build_object('rowId', $1::text)
      order by q.id desc limit 1`,
    [rowId],
  );
  for (const record of evidence.filter((e) => e.kind === 'promotion_requested')) {
    const id = (record.payload as { approvalRequestId?: unknown } | null)?.approvalRequestId;
    if (typeof id !== 'string' && typeof id !== 'number')
      malformed.push({
        evidenceId: record.id,
        kind: 'promotion_requested',
        recordedAt: record.recorded_at.toISOString(),
        problem: 'payload.approvalRequestId is missing',
      });
  }
  const request = rows[0];
  if (!request) return null;
  const { rows: votes } = await db.query<{ voter: string; role: string; decision: string; cast_at: Date }>(
    `select voter, role, decision, cast_at from birth_lane.approval_votes where request_id = $1::bigint order by id`,
    [request.id],
  );
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

export function formatStory(story: RowStory): string {
  const lines = [
    `${story.entityCode}  (row ${story.rowId}, ${story.collection ?? 'no collection'}${story.canonical ? ', canonical' : ''}, ${story.governanceRole})`,
    `verdict       ${story.verdict.replace(/_/g, ' ')}`,
    `stamps        PEN ${story.stamps.pen ?? '—'} · STAMP ${story.stamps.stamp ?? '—'} · GATE ${story.stamps.gate ?? '—'}  (${story.stampReason})`,
    `certified     ${story.certified ? `yes, at ${story.certifiedAt}` : 'no'}`,
  ];
  lines.push(`failures      ${story.failures.length === 0 ? 'none on record' : ''}`);
  for (const f of story.failures)
    lines.push(
      `  ${f.recordedAt}  ${(f.stage ?? '?').padEnd(5)} ${f.checkId ?? '?'}: ${f.message ?? ''}  [rule set ${(f.ruleSetHash ?? '?').slice(0, 12)}…${f.underActiveRuleSet ? ', active' : ', not the active one'}; run ${f.runId ?? '?'}]`,
    );
  if (story.ambiguity)
    lines.push(
      `ambiguous     ${story.ambiguity.reason}${story.ambiguity.recordedAt ? ` (recorded ${story.ambiguity.recordedAt} by run ${story.ambiguity.runId})` : ' (not yet recorded by a run)'}`,
    );
  if (story.promotion) {
    const p = story.promotion;
    lines.push(
      `promotion     request ${p.requestId} (${p.risk} risk, filed ${p.requestedAt}); ` +
        (p.usedAt
          ? `approved and used at ${p.usedAt}`
          : `quorum ${p.quorumMet ? 'met' : `not met${p.missing.length > 0 ? ` (missing: ${p.missing.join(', ')})` : ''}`}`),
    );
    for (const v of p.votes) lines.push(`  ${v.castAt}  ${v.decision.padEnd(7)} ${v.voter} as ${v.role}`);
    if (p.votes.length === 0) lines.push('  no votes yet');
  }
  for (const bad of story.malformed)
    lines.push(`malformed     evidence #${bad.evidenceId} (${bad.kind}, ${bad.recordedAt}): ${bad.problem}`);
  lines.push(`next          ${story.next}`);
  return lines.join('\n');
}
