import type { RunReport } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { burnDown, jsonForScriptElement } from './burn-down.js';

const run = (start: string, end: string, certified: number): RunReport => ({
  runId: '00000000-0000-4000-8000-000000000000',
  ruleSetVersion: '1.0.0',
  ruleSetHash: 'a'.repeat(64),
  channel: 'once',
  outcome: 'completed',
  startedAt: new Date(start),
  endedAt: new Date(end),
  scanned: certified,
  passed: { pen: certified, stamp: certified, gate: certified },
  failed: { pen: 0, stamp: 0, gate: 0 },
  skipped: 0,
  ambiguous: 0,
});

describe('burnDown', () => {
  it('adds back what each later run certified, oldest point first', () => {
    const points = burnDown(100, [
      run('2026-01-01T02:00:00Z', '2026-01-01T02:10:00Z', 50),
      run('2026-01-01T01:00:00Z', '2026-01-01T01:10:00Z', 200),
    ]);
    expect(points.map((point) => point.backlog)).toEqual([350, 150, 150, 100]);
    expect(points.map((point) => point.at)).toEqual(
      [...points.map((point) => point.at)].sort((a, b) => a - b),
    );
  });

  it('is just today when there is no run', () => {
    expect(burnDown(7, [])).toEqual([]);
  });
});

describe('jsonForScriptElement', () => {
  it('cannot close the script element it sits in', () => {
    expect(jsonForScriptElement({ a: '</script><script>alert(1)</script>' })).not.toContain('<');
  });
});
