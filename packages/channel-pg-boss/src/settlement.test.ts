import { randomUUID } from 'node:crypto';
import type { RunReport } from '@birth-lane/contract';
import { runReportFixture } from '@birth-lane/contract/testing';
import { describe, expect, it } from 'vitest';
import { settlementFor } from './settlement.js';

const job = { parentRunKey: randomUUID(), chunk: 2, chunks: 3, idFrom: '100', idTo: '199' };
const report = (outcome: RunReport['outcome'], detail?: string): RunReport =>
  runReportFixture({
    channel: 'queue',
    outcome,
    scanned: 0,
    passed: { pen: 0, stamp: 0, gate: 0 },
    failed: { pen: 0, stamp: 0, gate: 0 },
    ...(detail ? { detail } : {}),
  });

describe('settlementFor', () => {
  it('completes a job whose run visited its whole range', () => {
    expect(settlementFor(report('completed'), job, '199')).toEqual({ kind: 'complete' });
  });

  it('hands back exactly the ids after the last batch of a stopped run', () => {
    expect(settlementFor(report('stopped'), job, '142')).toEqual({ kind: 'hand_back', idFrom: '143' });
  });

  it('hands back the whole range when a stopped run did no batch', () => {
    expect(settlementFor(report('stopped'), job, null)).toEqual({ kind: 'hand_back', idFrom: '100' });
  });

  it('completes a stopped run whose last batch reached the end of the range', () => {
    expect(settlementFor(report('stopped'), job, '199')).toEqual({ kind: 'complete' });
  });

  it('fails (so pg-boss retries) a run without a rule set or one that failed', () => {
    expect(settlementFor(report('source_recovery_required', 'no rule set'), job, null)).toEqual({
      kind: 'fail',
      reason: 'no rule set',
    });
    expect(settlementFor(report('failed'), job, '120')).toEqual({ kind: 'fail', reason: 'failed' });
  });
});
