import { randomUUID } from 'node:crypto';
import type { RunReport } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { RunMetrics } from './run-metrics.js';

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: randomUUID(),
    ruleSetVersion: '1.0.0',
    ruleSetHash: 'a'.repeat(64),
    channel: 'http',
    outcome: 'completed',
    startedAt: new Date('2025-01-01T00:00:00Z'),
    endedAt: new Date('2025-01-01T00:00:02.5Z'),
    scanned: 10,
    passed: { pen: 9, stamp: 8, gate: 7 },
    failed: { pen: 1, stamp: 1, gate: 1 },
    skipped: 2,
    ambiguous: 0,
    ...overrides,
  };
}

const sample = (text: string, series: string) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${series} `))
    ?.slice(series.length + 1);

describe('RunMetrics', () => {
  it('starts every series at zero and leaves out what it does not know yet', () => {
    const text = new RunMetrics().render(null);
    expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('0');
    expect(sample(text, 'birth_lane_runs_total{outcome="source_recovery_required"}')).toBe('0');
    expect(sample(text, 'birth_lane_stage_passed_total{stage="gate"}')).toBe('0');
    expect(sample(text, 'birth_lane_database_up')).toBe('0');
    expect(text).not.toMatch(/birth_lane_backlog_rows/);
    expect(text).not.toMatch(/birth_lane_last_run_timestamp_seconds/);
    expect(text).toMatch(/^# TYPE birth_lane_runs_total counter$/m);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('adds up finished runs and reports the backlog', () => {
    const metrics = new RunMetrics();
    metrics.runStarted();
    expect(sample(metrics.render(5), 'birth_lane_run_in_progress')).toBe('1');
    metrics.runFinished(report());
    metrics.runFinished(report({ outcome: 'stopped', scanned: 5 }));
    metrics.runThrew(new Date('2025-01-01T00:01:00Z'));
    const text = metrics.render(42);
    expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('1');
    expect(sample(text, 'birth_lane_runs_total{outcome="stopped"}')).toBe('1');
    expect(sample(text, 'birth_lane_runs_total{outcome="failed"}')).toBe('1');
    expect(sample(text, 'birth_lane_rows_scanned_total')).toBe('15');
    expect(sample(text, 'birth_lane_rows_skipped_total')).toBe('4');
    expect(sample(text, 'birth_lane_stage_passed_total{stage="stamp"}')).toBe('16');
    expect(sample(text, 'birth_lane_stage_failed_total{stage="pen"}')).toBe('2');
    expect(sample(text, 'birth_lane_run_in_progress')).toBe('0');
    expect(sample(text, 'birth_lane_last_run_timestamp_seconds')).toBe('1735689660');
    expect(sample(text, 'birth_lane_backlog_rows')).toBe('42');
    expect(sample(text, 'birth_lane_database_up')).toBe('1');
  });
});

describe('RunMetrics with a malformed report', () => {
  it('counts it apart as a failed run and adds none of its numbers', () => {
    const metrics = new RunMetrics();
    metrics.runFinished(report({ scanned: -5 }));
    metrics.runFinished({ ...report(), outcome: 'exploded' } as unknown as RunReport);
    metrics.runFinished(report());
    const text = metrics.render(1);
    expect(sample(text, 'birth_lane_malformed_reports_total')).toBe('2');
    expect(sample(text, 'birth_lane_runs_total{outcome="failed"}')).toBe('2');
    expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('1');
    expect(sample(text, 'birth_lane_rows_scanned_total')).toBe('10');
  });
});
