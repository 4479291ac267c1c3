import type { ProofReport } from '@birth-lane/contract';

/** One line per claim (holds, BROKEN with its F-OPEN condition, or undecided), the notes, then the verdict line. */
export function formatProofSummary(report: ProofReport, notes: readonly string[] = []): string {
  const lines = report.claims.map((claim) => {
    const mark = claim.holds === true ? 'holds    ' : claim.holds === false ? 'BROKEN   ' : 'undecided';
    const condition = claim.failCondition ? ` [${claim.failCondition}]` : '';
    return `${claim.id} ${mark}${condition} ${claim.detail}`;
  });
  lines.push(...notes, `verdict: ${report.verdict}`, '');
  return lines.join('\n');
}
