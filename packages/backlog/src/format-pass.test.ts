import { describe, expect, it } from 'vitest';
import { formatPass, formatSeconds } from './format-pass.js';
import type { PassStatus } from './pass-status.js';

const pass: PassStatus = {
  runId: '6f1c2a9e-0000-4000-8000-000000000001',
  approvalId: '7',
  state: 'running',
  scope: { idFrom: '1', idTo: '2000', walkTo: '1000', maxRows: '900' },
  ruleSet: { version: '1.0.0', hash: 'abc' },
  inScopeRows: 900,
  scanned: 300,
  taken: 320,
  batches: 3,
  slices: { total: 4, done: 1 },
  startedBy: 'ops',
  startedAt: '2026-01-01T00:00:00.000Z',
  lastBatchAt: '2026-01-01T00:00:10.000Z',
  finishedAt: null,
  detail: null,
  rowsPerSecond: 30,
  etaSeconds: 20,
  rollback: null,
};

describe('formatPass', () => {
  it('shows scope, done, rate, ETA and state', () => {
    const text = formatPass(pass);
    expect(text).toContain('running');
    expect(text).toContain('ids 1..1000 (asked ..2000), at most 900 rows');
    expect(text).toContain('300/900 in-scope rows (33.3 %)');
    expect(text).toContain('30 rows/s, ETA 20s');
  });
  it('reports an unreadable record instead of failing', () => {
    expect(formatPass({ runId: null, malformed: 'state: invalid' })).toContain(
      'unreadable record (state: invalid)',
    );
  });
  it('formats durations', () => {
    expect(formatSeconds(185)).toBe('3m 05s');
    expect(formatSeconds(7800)).toBe('2h 10m');
  });
});
