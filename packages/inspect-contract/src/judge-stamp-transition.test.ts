import type { StampSlots } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { INSPECT_RULES } from './inspect-rules.js';
import { judgeStampTransition, STUD_RULES, studViolationOf } from './judge-stamp-transition.js';

const t0 = new Date('2025-01-01T00:00:00.000Z');
const t1 = new Date('2025-01-01T00:00:01.000Z');
const t2 = new Date('2025-01-01T00:00:02.000Z');
const slots = (pen: Date | null, stamp: Date | null, gate: Date | null): StampSlots => ({
  inspect_pen: pen,
  inspect_stamp: stamp,
  inspect_gate: gate,
});
const NONE = slots(null, null, null);

describe('judgeStampTransition', () => {
  it.each([
    ['an INSERT without stamps', null, NONE, null],
    ['an INSERT with PEN', null, slots(t0, null, null), ['stamp_on_insert', 'inspect_pen']],
    ['an INSERT with GATE only', null, slots(null, null, t0), ['stamp_on_insert', 'inspect_gate']],
    ['the fused INSERT of all three', null, slots(t0, t0, t0), ['stamp_on_insert', 'inspect_pen']],
    ['an UPDATE leaving the stamps alone', slots(t0, null, null), slots(t0, null, null), null],
    ['PEN on a fresh row', NONE, slots(t0, null, null), null],
    ['STAMP after PEN', slots(t0, null, null), slots(t0, t1, null), null],
    ['GATE after STAMP', slots(t0, t1, null), slots(t0, t1, t2), null],
    ['all three in one UPDATE, in order', NONE, slots(t0, t1, t2), null],
    ['all three at one instant in one UPDATE', NONE, slots(t1, t1, t1), null],
    ['STAMP while PEN is NULL', NONE, slots(null, t1, null), ['stamp_without_pen', 'inspect_stamp']],
    ['GATE while PEN and STAMP are NULL', NONE, slots(null, null, t1), ['gate_without_pen', 'inspect_gate']],
    [
      'GATE while STAMP is NULL',
      slots(t0, null, null),
      slots(t0, null, t1),
      ['gate_without_stamp', 'inspect_gate'],
    ],
    [
      'STAMP earlier than PEN',
      slots(t1, null, null),
      slots(t1, t0, null),
      ['stamp_before_pen', 'inspect_stamp'],
    ],
    [
      'GATE earlier than STAMP',
      slots(t0, t2, null),
      slots(t0, t2, t1),
      ['gate_before_stamp', 'inspect_gate'],
    ],
    ['a changed PEN', slots(t0, null, null), slots(t1, null, null), ['stamp_changed', 'inspect_pen']],
    ['a cleared STAMP', slots(t0, t1, null), slots(t0, null, null), ['stamp_cleared', 'inspect_stamp']],
    [
      'a cleared GATE on a complete row',
      slots(t0, t1, t2),
      slots(t0, t1, null),
      ['stamp_cleared', 'inspect_gate'],
    ],
    [
      'a new stamp on an ambiguous row',
      slots(null, t1, null),
      slots(t2, t1, null),
      ['ambiguous_row', 'inspect_pen'],
    ],
    [
      'a "repair" of an ambiguous row',
      slots(null, t1, null),
      slots(t0, t1, null),
      ['ambiguous_row', 'inspect_pen'],
    ],
    ['an unrelated update of an ambiguous row', slots(null, null, t1), slots(null, null, t1), null],
  ] as const)('%s', (_label, before, after, refusal) => {
    const verdict = judgeStampTransition(before, after);
    expect(verdict).toEqual(
      refusal ? { allowed: false, rule: refusal[0], column: refusal[1] } : { allowed: true },
    );
  });

  it('checks set-once before order: a changed PEN is reported even when STAMP is also out of order', () => {
    expect(judgeStampTransition(slots(t1, null, null), slots(t2, t0, null))).toEqual({
      allowed: false,
      rule: 'stamp_changed',
      column: 'inspect_pen',
    });
  });

  it('treats equal instants held by different Date objects as unchanged', () => {
    expect(judgeStampTransition(slots(new Date(t0), null, null), slots(new Date(t0), null, null))).toEqual({
      allowed: true,
    });
  });

  it('covers every ambiguous reason of the classifier with a rule of its own', () => {
    for (const rule of INSPECT_RULES.filter((candidate) => candidate.state === 'ambiguous')) {
      expect(STUD_RULES).toContain(rule.reason);
    }
  });

  it('refuses malformed slots, naming which side of the write was wrong', () => {
    expect(() =>
      judgeStampTransition(NONE, { ...NONE, inspect_pen: 'now' } as unknown as StampSlots),
    ).toThrow(/stamp slots after the write/);
  });
});

describe('studViolationOf', () => {
  const violation = {
    code: 'BL001',
    constraint: 'inspect_stud.gate_without_stamp',
    column: 'inspect_gate',
    message: 'm',
  };

  it('reads the rule and column of a guard refusal', () => {
    expect(studViolationOf(violation)).toEqual({
      rule: 'gate_without_stamp',
      column: 'inspect_gate',
      message: 'm',
    });
  });

  it.each([
    ['another SQLSTATE', { ...violation, code: '23514' }],
    ['BL001 from another guard', { ...violation, constraint: 'certified_pair.written_by_consumer' }],
    ['an unknown rule', { ...violation, constraint: 'inspect_stud.made_up' }],
    ['a column that is no stamp', { ...violation, column: 'certified' }],
    ['a non-object', 'BL001'],
  ])('ignores %s', (_label, error) => {
    expect(studViolationOf(error)).toBeUndefined();
  });
});
