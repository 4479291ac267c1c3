import { INSPECT_STATES, type InspectState, type StampSlots, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { classifyStamps, isCertifiable, readStampSlots, rulesMatching } from './classify-stamps.js';
import { INSPECT_REASONS, INSPECT_RULES, type InspectReason } from './inspect-rules.js';

const T = [
  new Date('2025-01-01T00:00:00.000Z'),
  new Date('2025-01-01T00:00:01.000Z'),
  new Date('2025-01-01T00:00:02.000Z'),
];

const slots = (pen: Date | null, stamp: Date | null, gate: Date | null): StampSlots => ({
  inspect_pen: pen,
  inspect_stamp: stamp,
  inspect_gate: gate,
});

/**
 * Every distinct case: each slot NULL or one of three instants, so every null/non-null
 * combination meets every time order, equal instants included (4^3 = 64 cases).
 */
const ALL_CASES: StampSlots[] = [];
for (const pen of [null, ...T])
  for (const stamp of [null, ...T]) for (const gate of [null, ...T]) ALL_CASES.push(slots(pen, stamp, gate));

/** An independent restatement of the stud as an ordered walk, to hold the rule table to. */
function reference({
  inspect_pen: p,
  inspect_stamp: s,
  inspect_gate: g,
}: StampSlots): [InspectState, InspectReason] {
  if (p === null && s === null && g === null) return ['none', 'no_stamps'];
  if (p === null) return ['ambiguous', s !== null ? 'stamp_without_pen' : 'gate_without_pen'];
  if (s !== null && s < p) return ['ambiguous', 'stamp_before_pen'];
  if (s === null) return g === null ? ['partial', 'pen_only'] : ['ambiguous', 'gate_without_stamp'];
  if (g === null) return ['partial', 'pen_and_stamp'];
  if (g < s) return ['ambiguous', 'gate_before_stamp'];
  return ['complete', 'all_stamps'];
}

const show = (value: StampSlots) =>
  [value.inspect_pen, value.inspect_stamp, value.inspect_gate]
    .map((d) => (d ? `t${T.indexOf(d)}` : '∅'))
    .join(',');

describe('classifyStamps', () => {
  it.each([
    ['no stamp', slots(null, null, null), 'none', 'no_stamps', 'pen'],
    ['PEN only', slots(T[0]!, null, null), 'partial', 'pen_only', 'stamp'],
    ['PEN and STAMP', slots(T[0]!, T[1]!, null), 'partial', 'pen_and_stamp', 'gate'],
    ['PEN and STAMP at the same instant', slots(T[0]!, T[0]!, null), 'partial', 'pen_and_stamp', 'gate'],
    ['all three in order', slots(T[0]!, T[1]!, T[2]!), 'complete', 'all_stamps', null],
    ['all three at one instant (the order is ≤)', slots(T[1]!, T[1]!, T[1]!), 'complete', 'all_stamps', null],
    ['STAMP without PEN', slots(null, T[1]!, null), 'ambiguous', 'stamp_without_pen', null],
    ['STAMP and GATE without PEN', slots(null, T[1]!, T[2]!), 'ambiguous', 'stamp_without_pen', null],
    ['GATE alone', slots(null, null, T[2]!), 'ambiguous', 'gate_without_pen', null],
    ['PEN and GATE without STAMP', slots(T[0]!, null, T[2]!), 'ambiguous', 'gate_without_stamp', null],
    ['STAMP before PEN', slots(T[1]!, T[0]!, null), 'ambiguous', 'stamp_before_pen', null],
    [
      'STAMP before PEN, GATE also out of order',
      slots(T[2]!, T[1]!, T[0]!),
      'ambiguous',
      'stamp_before_pen',
      null,
    ],
    ['GATE before STAMP', slots(T[0]!, T[2]!, T[1]!), 'ambiguous', 'gate_before_stamp', null],
    ['GATE before PEN, STAMP in between', slots(T[1]!, T[2]!, T[0]!), 'ambiguous', 'gate_before_stamp', null],
    // The fused shortcut stamps all three with one now(): in order, so the stud alone cannot catch
    // it; the guard's no-stamp-on-INSERT rule does.
  ] as const)('%s → %s / %s', (_label, input, state, reason, nextStage) => {
    expect(classifyStamps(input)).toEqual({ state, reason, nextStage });
  });

  it('agrees with an independent restatement on all 64 cases', () => {
    for (const input of ALL_CASES) {
      const [state, reason] = reference(input);
      expect({ case: show(input), ...classifyStamps(input) }).toMatchObject({
        case: show(input),
        state,
        reason,
      });
    }
  });

  it('is total: every case matches exactly one rule', () => {
    for (const input of ALL_CASES) {
      const matching = rulesMatching(readStampSlots(input)).map((rule) => rule.reason);
      expect(matching, show(input)).toEqual([classifyStamps(input).reason]);
    }
  });

  it('reaches every reason and every state, and each reason belongs to one state', () => {
    const seen = new Map<string, Set<string>>();
    for (const input of ALL_CASES) {
      const { state, reason } = classifyStamps(input);
      seen.set(reason, (seen.get(reason) ?? new Set()).add(state));
    }
    expect([...seen.keys()].sort()).toEqual([...INSPECT_REASONS].sort());
    for (const states of seen.values()) expect(states.size).toBe(1);
    const states = new Set([...seen.values()].flatMap((set) => [...set]));
    expect([...states].sort()).toEqual([...INSPECT_STATES].sort());
  });

  it('gives each rule its own reason, and an offending stage exactly to the ambiguous ones', () => {
    expect(new Set(INSPECT_RULES.map((rule) => rule.reason)).size).toBe(INSPECT_RULES.length);
    for (const rule of INSPECT_RULES) {
      expect(rule.offender === null, rule.reason).toBe(rule.state !== 'ambiguous');
      if (rule.offender) expect(rule.reason.startsWith(`${rule.offender}_`), rule.reason).toBe(true);
    }
  });

  it('gives a next stage only for none and partial rows', () => {
    for (const input of ALL_CASES) {
      const { state, nextStage } = classifyStamps(input);
      if (state === 'complete' || state === 'ambiguous') expect(nextStage).toBeNull();
      else expect(nextStage).not.toBeNull();
    }
  });

  it.each([
    [
      'undefined slot',
      { inspect_pen: null, inspect_stamp: undefined, inspect_gate: null },
      'inspect_stamp',
      'required',
    ],
    [
      'string slot',
      { inspect_pen: '2025-01-01', inspect_stamp: null, inspect_gate: null },
      'inspect_pen',
      'type',
    ],
    [
      'invalid Date',
      { inspect_pen: null, inspect_stamp: null, inspect_gate: new Date('nope') },
      'inspect_gate',
      'valid_date',
    ],
  ])('refuses a %s, naming the field and the rule', (_label, input, field, rule) => {
    const attempt = () => classifyStamps(input as unknown as StampSlots);
    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([expect.objectContaining({ field, rule })]);
    }
  });

  it('refuses a non-object', () => {
    expect(() => classifyStamps(null as unknown as StampSlots)).toThrow(/stamp slots/);
  });
});

describe('isCertifiable', () => {
  it('is true exactly for complete rows', () => {
    for (const input of ALL_CASES) {
      expect(isCertifiable(input), show(input)).toBe(reference(input)[0] === 'complete');
    }
  });
});
