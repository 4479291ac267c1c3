import type { InspectStage, InspectState } from '@birth-lane/contract';

/**
 * One test on the three stamp slots. `before` is true only when both slots are set and the first
 * is strictly earlier; like SQL's `<`, it is never true when either slot is NULL.
 */
export type StampCondition =
  | { readonly kind: 'set'; readonly slot: InspectStage }
  | { readonly kind: 'unset'; readonly slot: InspectStage }
  | { readonly kind: 'before'; readonly slot: InspectStage; readonly than: InspectStage }
  | { readonly kind: 'not_before'; readonly slot: InspectStage; readonly than: InspectStage };

/** Every reason the classifier can give, one per rule. */
export const INSPECT_REASONS = [
  'no_stamps',
  'stamp_without_pen',
  'gate_without_pen',
  'stamp_before_pen',
  'gate_without_stamp',
  'gate_before_stamp',
  'pen_only',
  'pen_and_stamp',
  'all_stamps',
] as const;
export type InspectReason = (typeof INSPECT_REASONS)[number];

export interface InspectRule {
  /** All must hold. The rules are mutually exclusive, so at most one ever matches. */
  readonly when: readonly StampCondition[];
  readonly state: InspectState;
  readonly reason: InspectReason;
  readonly nextStage: InspectStage | null;
  /** For an ambiguous reason, the stage whose stamp breaks the order; null otherwise. */
  readonly offender: InspectStage | null;
}

const set = (slot: InspectStage): StampCondition => ({ kind: 'set', slot });
const unset = (slot: InspectStage): StampCondition => ({ kind: 'unset', slot });
const before = (slot: InspectStage, than: InspectStage): StampCondition => ({ kind: 'before', slot, than });
const notBefore = (slot: InspectStage, than: InspectStage): StampCondition => ({
  kind: 'not_before',
  slot,
  than,
});

/**
 * The inspect stud as data: the one source both the TypeScript classifier and the SQL expressions
 * are built from. Each rule spells out its full condition (no rule relies on an earlier one not
 * matching), so the table can be checked for totality: every combination of set/unset slots and
 * time orders matches exactly one rule.
 *
 * Precedence among ambiguous reasons is built into the conditions: a missing stamp is reported
 * before a time-order break, and stages are judged in order (the STAMP slot before the GATE slot),
 * so `(NULL, stamp, gate)` is `stamp_without_pen`, and `(NULL, NULL, gate)` is `gate_without_pen`.
 */
export const INSPECT_RULES: readonly InspectRule[] = [
  {
    when: [unset('pen'), unset('stamp'), unset('gate')],
    state: 'none',
    reason: 'no_stamps',
    nextStage: 'pen',
    offender: null,
  },
  {
    when: [unset('pen'), set('stamp')],
    state: 'ambiguous',
    reason: 'stamp_without_pen',
    nextStage: null,
    offender: 'stamp',
  },
  {
    when: [unset('pen'), unset('stamp'), set('gate')],
    state: 'ambiguous',
    reason: 'gate_without_pen',
    nextStage: null,
    offender: 'gate',
  },
  {
    when: [set('pen'), set('stamp'), before('stamp', 'pen')],
    state: 'ambiguous',
    reason: 'stamp_before_pen',
    nextStage: null,
    offender: 'stamp',
  },
  {
    when: [set('pen'), unset('stamp'), set('gate')],
    state: 'ambiguous',
    reason: 'gate_without_stamp',
    nextStage: null,
    offender: 'gate',
  },
  {
    when: [set('pen'), set('stamp'), notBefore('stamp', 'pen'), set('gate'), before('gate', 'stamp')],
    state: 'ambiguous',
    reason: 'gate_before_stamp',
    nextStage: null,
    offender: 'gate',
  },
  {
    when: [set('pen'), unset('stamp'), unset('gate')],
    state: 'partial',
    reason: 'pen_only',
    nextStage: 'stamp',
    offender: null,
  },
  {
    when: [set('pen'), set('stamp'), notBefore('stamp', 'pen'), unset('gate')],
    state: 'partial',
    reason: 'pen_and_stamp',
    nextStage: 'gate',
    offender: null,
  },
  {
    when: [set('pen'), set('stamp'), notBefore('stamp', 'pen'), set('gate'), notBefore('gate', 'stamp')],
    state: 'complete',
    reason: 'all_stamps',
    nextStage: null,
    offender: null,
  },
];
