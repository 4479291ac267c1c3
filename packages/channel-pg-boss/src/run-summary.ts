import type { RunReport } from '@birth-lane/contract';

/** What a job keeps of its run as output (the whole report is in the evidence log under runId). */
export function runSummary(report: RunReport): Record<string, unknown> {
  return {
    runId: report.runId,
    outcome: report.outcome,
    scanned: report.scanned,
    skipped: report.skipped,
    ambiguous: report.ambiguous,
    passed: report.passed,
    failed: report.failed,
    ...(report.detail ? { detail: report.detail } : {}),
  };
}
