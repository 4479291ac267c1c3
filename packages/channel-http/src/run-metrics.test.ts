import type { RunReport } from '@birth-lane/contract';
import { runReportFixture } from '@birth-lane/contract/testing';
import { describe, expect, it } from 'vitest';
import { RunMetrics } from './run-metrics.js';

const sample = (text: string, series: string) =>
  text
    .split('\n')
    .find((line) => line.startsWith(`${series} `))
    ?.slice(series.length + 1);

describe('RunMetrics', () => {
  it('starts every series at zero and leaves out what it does not know yet', async () => {
    const metrics = new RunMetrics();
    const text = await metrics.render(null);
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('0');
    expect(sample(text, 'birth_lane_runs_total{outcome="source_recovery_required"}')).toBe('0');
    expect(sample(text, 'birth_lane_stage_passed_total{stage="gate"}')).toBe('0');
    expect(sample(text, 'birth_lane_run_duration_seconds_count{outcome="completed"}')).toBe('0');
    expect(sample(text, 'birth_lane_database_up')).toBe('0');
    expect(text).not.toMatch(/^birth_lane_backlog_rows /m);
    expect(text).not.toMatch(/^birth_lane_last_run_timestamp_seconds /m);
    expect(text).toMatch(/^# TYPE birth_lane_runs_total counter$/m);
    expect(text).toMatch(/^# TYPE birth_lane_run_duration_seconds histogram$/m);
    // No default process metrics: only the channel's own series.
    expect(text).not.toMatch(/^process_|^nodejs_/m);
  });

  it('adds up finished runs, times them by outcome and reports the backlog', async () => {
    const metrics = new RunMetrics();
    metrics.runStarted();
    expect(sample(await metrics.render(5), 'birth_lane_run_in_progress')).toBe('1');
    metrics.runFinished(runReportFixture({ skipped: 2 }), 0.02);
    metrics.runFinished(runReportFixture({ outcome: 'stopped', scanned: 5, skipped: 2 }), 400);
    metrics.runThrew(3, new Date('2026-01-01T00:01:00Z'));
    const text = await metrics.render(42);
    expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('1');
    expect(sample(text, 'birth_lane_runs_total{outcome="stopped"}')).toBe('1');
    expect(sample(text, 'birth_lane_runs_total{outcome="failed"}')).toBe('1');
    expect(sample(text, 'birth_lane_rows_scanned_total')).toBe('15');
    expect(sample(text, 'birth_lane_rows_skipped_total')).toBe('4');
    expect(sample(text, 'birth_lane_stage_passed_total{stage="stamp"}')).toBe('16');
    expect(sample(text, 'birth_lane_stage_failed_total{stage="pen"}')).toBe('2');
    expect(sample(text, 'birth_lane_run_in_progress')).toBe('0');
    expect(sample(text, 'birth_lane_last_run_timestamp_seconds')).toBe('1767225660');
    expect(sample(text, 'birth_lane_backlog_rows')).toBe('42');
    expect(sample(text, 'birth_lane_database_up')).toBe('1');
    expect(sample(text, 'birth_lane_run_duration_seconds_count{outcome="completed"}')).toBe('1');
    expect(sample(text, 'birth_lane_run_duration_seconds_bucket{le="0.025",outcome="completed"}')).toBe('1');
    expect(sample(text, 'birth_lane_run_duration_seconds_bucket{le="0.01",outcome="completed"}')).toBe('0');
    expect(sample(text, 'birth_lane_run_duration_seconds_bucket{le="300",outcome="stopped"}')).toBe('0');
    expect(sample(text, 'birth_lane_run_duration_seconds_bucket{le="600",outcome="stopped"}')).toBe('1');
    expect(sample(text, 'birth_lane_run_duration_seconds_sum{outcome="failed"}')).toBe('3');
  });

  it('keeps each instance apart (its own registry, not the global one)', async () => {
    const first = new RunMetrics();
    const second = new RunMetrics();
    first.runFinished(runReportFixture(), 1);
    expect(sample(await second.render(null), 'birth_lane_runs_total{outcome="completed"}')).toBe('0');
  });
});

describe('RunMetrics with a malformed report', () => {
  it('counts it apart as a failed run and adds none of its numbers', async () => {
    const metrics = new RunMetrics();
    metrics.runFinished(runReportFixture({ scanned: -5 }, { valid: false }), 1);
    metrics.runFinished({ ...runReportFixture(), outcome: 'exploded' } as unknown as RunReport, 1);
    metrics.runFinished(runReportFixture(), 1);
    const text = await metrics.render(1);
    expect(sample(text, 'birth_lane_malformed_reports_total')).toBe('2');
    expect(sample(text, 'birth_lane_runs_total{outcome="failed"}')).toBe('2');
    expect(sample(text, 'birth_lane_runs_total{outcome="completed"}')).toBe('1');
    expect(sample(text, 'birth_lane_rows_scanned_total')).toBe('10');
  });
});
