import type { RowStory } from '../reading/row-story.js';

/** `birth-lane explain` for people: the row, its stamps, failures, ambiguity, promotion, and what next. */
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
