import { randomUUID } from 'node:crypto';
import type { RunReport } from '../run-report.js';
import { runReportSchema } from '../run-report.js';

/**
 * A valid run report for tests: a completed run of ten rows over 2.5 s under a fixed rule set, with
 * `overrides` on top. The result is checked against the contract's schema, so a fixture a test
 * bends out of shape fails here, not somewhere deep in the code under test; pass `valid: false`
 * to get an unchecked report on purpose (a test of how a reader handles a malformed one).
 */
export function runReportFixture(
  overrides: Partial<RunReport> = {},
  options: { valid?: boolean } = {},
): RunReport {
  const report: RunReport = {
    runId: randomUUID(),
    ruleSetVersion: '1.0.0',
    ruleSetHash: 'a'.repeat(64),
    channel: 'test',
    outcome: 'completed',
    startedAt: new Date('2026-01-01T00:00:00Z'),
    endedAt: new Date('2026-01-01T00:00:02.5Z'),
    scanned: 10,
    passed: { pen: 9, stamp: 8, gate: 7 },
    failed: { pen: 1, stamp: 1, gate: 1 },
    skipped: 0,
    ambiguous: 0,
    ...overrides,
  };
  return options.valid === false ? report : runReportSchema.parse(report);
}
