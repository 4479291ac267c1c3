import { randomUUID } from 'node:crypto';
import { DatabaseError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { RunHistory, runResource } from './run-history.js';

describe('RunHistory', () => {
  it('tracks the run in progress and its end', () => {
    const history = new RunHistory();
    const run = history.begin({ maxRows: 5 });
    expect(history.running).toBe(run);
    const now = new Date();
    history.finish(run, {
      runId: randomUUID(),
      ruleSetVersion: null,
      ruleSetHash: null,
      channel: 'http',
      outcome: 'source_recovery_required',
      startedAt: now,
      endedAt: now,
      scanned: 0,
      passed: { pen: 0, stamp: 0, gate: 0 },
      failed: { pen: 0, stamp: 0, gate: 0 },
      skipped: 0,
      ambiguous: 0,
    });
    expect(history.running).toBeUndefined();
    expect(runResource(run)).toMatchObject({
      id: run.id,
      status: 'source_recovery_required',
      request: { maxRows: 5 },
      report: { outcome: 'source_recovery_required' },
      links: { self: `/runs/${run.id}` },
    });
  });

  it('records a thrown error with its code', () => {
    const history = new RunHistory();
    const run = history.begin({});
    history.fail(run, new DatabaseError('connection lost', { cause: new Error('x') }));
    expect(runResource(run)).toMatchObject({
      status: 'failed',
      error: { code: 'DATABASE_ERROR', message: 'connection lost' },
    });
    expect(runResource(run)).not.toHaveProperty('report');
  });

  it('forgets the oldest finished runs beyond its capacity, never the running one', () => {
    const history = new RunHistory(2);
    const running = history.begin({});
    const older = history.begin({});
    history.fail(older, new Error('gone'));
    const newer = history.begin({});
    history.fail(newer, new Error('kept'));
    expect(history.get(running.id)).toBe(running);
    expect(history.get(older.id)).toBeUndefined();
    expect(history.get(newer.id)).toBe(newer);
  });
});

describe('RunHistory with a malformed report', () => {
  it('marks the run failed with MALFORMED_REPORT, says what is wrong, and keeps no report', () => {
    const history = new RunHistory();
    const run = history.begin({});
    const now = new Date();
    history.finish(run, {
      runId: 'not-a-uuid',
      ruleSetVersion: '1.0.0',
      ruleSetHash: 'a'.repeat(64),
      channel: 'http',
      outcome: 'completed',
      startedAt: now,
      endedAt: now,
      scanned: -1,
      passed: { pen: 0, stamp: 0, gate: 0 },
      failed: { pen: 0, stamp: 0, gate: 0 },
      skipped: 0,
      ambiguous: 0,
    });
    expect(history.running).toBeUndefined();
    const resource = runResource(run);
    expect(resource).toMatchObject({ status: 'failed', error: { code: 'MALFORMED_REPORT' } });
    expect(resource.error?.message).toMatch(/runId.*scanned|scanned.*runId/s);
    expect(resource).not.toHaveProperty('report');
  });
});
