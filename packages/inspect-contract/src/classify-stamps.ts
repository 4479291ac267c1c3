import {
  INSPECT_STAGES,
  type InspectClassification,
  type InspectStage,
  STAMP_COLUMNS,
  type StampSlots,
  ValidationError,
  type ValidationIssue,
} from '@birth-lane/contract';
import { INSPECT_RULES, type InspectReason, type InspectRule, type StampCondition } from './inspect-rules.js';

/** A classification whose reason is one of the stud's own codes. */
export interface StudClassification extends InspectClassification {
  readonly reason: InspectReason;
}

/**
 * Classifies one row's three stamps: `none`, `partial` (PEN, or PEN+STAMP, in time order),
 * `complete` (all three, pen ≤ stamp ≤ gate) or `ambiguous` (anything else), with a stable reason
 * and the stage a producer may evaluate next.
 *
 * Time is compared at the millisecond precision of `Date`; PostgreSQL keeps microseconds, so for
 * rows read back from the database `birth_lane.inspect_state` is the authority on two stamps set
 * within the same millisecond.
 */
export function classifyStamps(slots: StampSlots): StudClassification {
  const rule = inspectRuleFor(slots);
  return { state: rule.state, reason: rule.reason, nextStage: rule.nextStage };
}

/** True only for a `complete` row: all three stamps, in time order. */
export function isCertifiable(slots: StampSlots): boolean {
  return classifyStamps(slots).state === 'complete';
}

/** The rule of the stud that these slots match (it also names the offending stage of an ambiguous row). */
export function inspectRuleFor(slots: StampSlots): InspectRule {
  return ruleForTimes(readStampSlots(slots));
}

/** Stamp times in milliseconds, NULL as null. */
export type SlotTimes = Readonly<Record<InspectStage, number | null>>;

/** @internal The rule for already validated times. */
export function ruleForTimes(times: SlotTimes): InspectRule {
  const rule = INSPECT_RULES.find((candidate) => matches(candidate, times));
  // Unreachable while the rule table is total, which the unit tests check exhaustively.
  if (!rule) throw new Error('birth-lane inspect stud: the rule table matched no rule; it is not total');
  return rule;
}

/** @internal Every rule whose condition holds; the unit tests check there is always exactly one. */
export function rulesMatching(times: SlotTimes): InspectRule[] {
  return INSPECT_RULES.filter((rule) => matches(rule, times));
}

function matches(rule: InspectRule, times: SlotTimes): boolean {
  return rule.when.every((condition) => holds(condition, times));
}

function holds(condition: StampCondition, times: SlotTimes): boolean {
  const value = times[condition.slot];
  switch (condition.kind) {
    case 'set':
      return value !== null;
    case 'unset':
      return value === null;
    case 'before': {
      const than = times[condition.than];
      return value !== null && than !== null && value < than;
    }
    case 'not_before': {
      const than = times[condition.than];
      return value !== null && than !== null && value >= than;
    }
  }
}

/**
 * @internal Validates and reads the slots. Fails closed on anything that is not a valid Date or null: `undefined` (a slot the caller forgot
 * to select), strings, numbers and invalid dates would otherwise classify silently as unset or set.
 */
export function readStampSlots(slots: StampSlots, subject = 'stamp slots'): SlotTimes {
  if (typeof slots !== 'object' || slots === null) {
    throw new ValidationError(subject, [
      {
        field: '(input)',
        rule: 'type',
        message: 'expected an object with inspect_pen, inspect_stamp and inspect_gate',
      },
    ]);
  }
  const issues: ValidationIssue[] = [];
  const times: Record<InspectStage, number | null> = { pen: null, stamp: null, gate: null };
  for (const stage of INSPECT_STAGES) {
    const column = STAMP_COLUMNS[stage];
    const value: unknown = slots[column];
    if (value === null) continue;
    if (value === undefined) {
      issues.push({
        field: column,
        rule: 'required',
        message: 'must be a Date or null; select the column with the row',
      });
    } else if (!(value instanceof Date)) {
      issues.push({ field: column, rule: 'type', message: `must be a Date or null, got ${typeof value}` });
    } else if (Number.isNaN(value.getTime())) {
      issues.push({ field: column, rule: 'valid_date', message: 'is an invalid Date' });
    } else {
      times[stage] = value.getTime();
    }
  }
  if (issues.length > 0) throw new ValidationError(subject, issues);
  return times;
}
