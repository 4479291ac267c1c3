import {
  INSPECT_STAGES,
  type InspectStage,
  STAMP_COLUMNS,
  type StampColumn,
  type StampSlots,
} from '@birth-lane/contract';
import { readStampSlots, ruleForTimes } from './classify-stamps.js';

/**
 * Rules of the guard trigger `trg_birth_inspect_stud`, in the order it checks them. The last five
 * are the classifier's ambiguous reasons for the row as it would be after the write.
 */
export const STUD_RULES = [
  'stamp_on_insert',
  'stamp_changed',
  'stamp_cleared',
  'stamp_not_finite',
  'ambiguous_row',
  'stamp_without_pen',
  'stamp_before_pen',
  'gate_without_pen',
  'gate_without_stamp',
  'gate_before_stamp',
] as const;
export type StudRule = (typeof STUD_RULES)[number];

export type StampTransitionVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly rule: StudRule; readonly column: StampColumn };

const ALLOWED: StampTransitionVerdict = { allowed: true };

/**
 * What the guard trigger will say about a write, judged in TypeScript: `before` is the row as
 * stored (null for an INSERT), `after` the row as it would be written. A producer can call this
 * before it writes, and the integration tests hold it and the trigger to the same answers.
 * `Date` cannot hold infinity, so `stamp_not_finite` comes only from the database.
 */
export function judgeStampTransition(before: StampSlots | null, after: StampSlots): StampTransitionVerdict {
  const next = readStampSlots(after, 'stamp slots after the write');
  if (before === null) {
    const stamped = INSPECT_STAGES.find((stage) => next[stage] !== null);
    return stamped ? refuse('stamp_on_insert', stamped) : ALLOWED;
  }
  const previous = readStampSlots(before, 'stamp slots before the write');
  if (INSPECT_STAGES.every((stage) => next[stage] === previous[stage])) return ALLOWED;

  // Each stamp is set at most once.
  const rewritten = INSPECT_STAGES.find(
    (stage) => previous[stage] !== null && next[stage] !== previous[stage],
  );
  if (rewritten) return refuse(next[rewritten] === null ? 'stamp_cleared' : 'stamp_changed', rewritten);

  // Every remaining difference is a stamp newly set on a row that lacked it.
  const newlySet = INSPECT_STAGES.find(
    (stage) => previous[stage] === null && next[stage] !== null,
  ) as InspectStage;
  if (ruleForTimes(previous).state === 'ambiguous') return refuse('ambiguous_row', newlySet);

  // The row as written must classify as a valid prefix or complete; its ambiguous reason is the rule broken.
  const outcome = ruleForTimes(next);
  if (outcome.state === 'ambiguous' && outcome.offender && isStudRule(outcome.reason)) {
    return refuse(outcome.reason, outcome.offender);
  }
  return ALLOWED;
}

function refuse(rule: StudRule, stage: InspectStage): StampTransitionVerdict {
  return { allowed: false, rule, column: STAMP_COLUMNS[stage] };
}

/** A refusal by the guard trigger, read from a database error. */
export interface StudViolation {
  readonly rule: StudRule;
  readonly column: StampColumn;
  readonly message: string;
}

const STUD_CONSTRAINT_PREFIX = 'inspect_stud.';

/**
 * The guard's refusal carried by a `pg` error (SQLSTATE BL001 with constraint `inspect_stud.<rule>`
 * and the column), or undefined for any other error, including BL001 raised by other lane guards.
 * Matches on the error's fields, never on its message text.
 */
export function studViolationOf(error: unknown): StudViolation | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { code?: unknown; constraint?: unknown; column?: unknown; message?: unknown };
  if (fields.code !== 'BL001' || typeof fields.constraint !== 'string') return undefined;
  if (!fields.constraint.startsWith(STUD_CONSTRAINT_PREFIX)) return undefined;
  const rule = fields.constraint.slice(STUD_CONSTRAINT_PREFIX.length);
  const column = Object.values(STAMP_COLUMNS).find((name) => name === fields.column);
  if (!isStudRule(rule) || !column) return undefined;
  return { rule, column, message: typeof fields.message === 'string' ? fields.message : '' };
}

function isStudRule(value: string): value is StudRule {
  return (STUD_RULES as readonly string[]).includes(value);
}
