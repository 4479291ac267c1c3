import {
  type Check,
  type CheckFailure,
  type InspectableField,
  type InspectableRow,
  type Inspector,
  type InspectStage,
  type RuleSet,
  ruleSetHash,
  type StageVerdict,
  ValidationError,
} from '@birth-lane/contract';
import { compileLinearRegex, type LinearRegex } from './linear-regex.js';
import { assertSupportedRuleSet } from './rule-set-support.js';

/**
 * The TypeScript reference evaluator. compile-sql.ts produces SQL with exactly these semantics
 * (the README's table is the single statement of them, and the differential test holds the two
 * together):
 * - every check except `required` judges a value, so a missing value (null) fails it: fail closed,
 *   even when a rule set forgets its `required` check;
 * - `required` also fails text that is empty after trimming REQUIRED_WHITESPACE;
 * - values are compared as stored: no trimming, no case folding, no Unicode normalisation;
 * - `pattern` answers what `new RegExp(pattern, 'u').test(value)` answers, computed without
 *   backtracking (linear-regex.ts).
 */

/** What `required` trims: exactly the set given to PostgreSQL's btrim(value, E' \t\n\r'). */
export const REQUIRED_WHITESPACE = [' ', '\t', '\n', '\r'] as const;
const BLANK = /^[ \t\n\r]*$/;

/** Judges one stage of one row. Pure: the same inputs always give the same verdict. */
export function evaluateStage(
  ruleSet: RuleSet,
  stage: InspectStage,
  row: InspectableRow,
  now: Date,
): StageVerdict {
  assertSupportedRuleSet(ruleSet);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    throw new ValidationError('inspection clock', [
      { field: 'now', rule: 'timestamp', message: 'must be a valid Date' },
    ]);
  }
  const failures: CheckFailure[] = [];
  for (const check of ruleSet.stages[stage]) {
    const problem = judge(check, row, now);
    if (problem !== null) failures.push({ checkId: check.id, message: check.message ?? problem });
  }
  return { stage, passed: failures.length === 0, failures };
}

/**
 * The default message for `check` failing on `row`, or null when the check passes. Exposed so a
 * caller that learnt the failed check ids from SQL can explain them in the same words.
 */
export function checkFailureMessage(check: Check, row: InspectableRow, now: Date): string | null {
  return judge(check, row, now);
}

/** The Inspector port (contract v1) over one stage of one rule set. */
export function createInspector(ruleSet: RuleSet, stage: InspectStage): Inspector {
  assertSupportedRuleSet(ruleSet);
  const ref = { version: ruleSet.version, hash: ruleSetHash(ruleSet) };
  return {
    specificationVersion: 'v1',
    stage,
    ruleSet: ref,
    inspect: (row, now = new Date()) => evaluateStage(ruleSet, stage, row, now),
  };
}

function judge(check: Check, row: InspectableRow, now: Date): string | null {
  switch (check.kind) {
    case 'required': {
      if (check.field === 'born_at')
        return timestampOf(row, 'born_at') === null ? 'born_at is required but missing' : null;
      const value = textOf(row, check.field);
      if (value === null) return `${check.field} is required but missing`;
      if (BLANK.test(value)) {
        return value === ''
          ? `${check.field} is required but empty`
          : `${check.field} is required but only whitespace`;
      }
      return null;
    }
    case 'pattern': {
      const value = textOf(row, check.field);
      if (value === null) return `${check.field} is missing, so it cannot match ${check.pattern}`;
      return regexOf(check.pattern).test(value)
        ? null
        : `${check.field} ${show(value)} does not match ${check.pattern}`;
    }
    case 'one_of': {
      const value = textOf(row, check.field);
      const allowed = check.values.map(show).join(', ');
      if (value === null) return `${check.field} is missing; it must be one of ${allowed}`;
      return check.values.includes(value) ? null : `${check.field} ${show(value)} is not one of ${allowed}`;
    }
    case 'length': {
      const value = textOf(row, check.field);
      const bounds = describeBounds(check.min, check.max);
      if (value === null)
        return `${check.field} is missing, so its length cannot be checked (must be ${bounds} characters)`;
      // Code points, as PostgreSQL's char_length counts in a UTF-8 database (not UTF-16 units).
      const length = [...value].length;
      const tooShort = check.min !== undefined && length < check.min;
      const tooLong = check.max !== undefined && length > check.max;
      return tooShort || tooLong
        ? `${check.field} is ${length} characters long; it must be ${bounds} characters`
        : null;
    }
    case 'not_future': {
      const bornAt = timestampOf(row, check.field);
      if (bornAt === null) return `${check.field} is missing, so it cannot be checked against the clock`;
      return bornAt.getTime() > now.getTime()
        ? `${check.field} ${bornAt.toISOString()} is in the future (checked at ${now.toISOString()})`
        : null;
    }
    case 'species_fit': {
      const collection = textOf(row, 'collection_name');
      const species = textOf(row, 'species_code');
      if (collection === null) return 'collection_name is missing, so species fit cannot be checked';
      const allowed = Object.hasOwn(check.allowed, collection) ? check.allowed[collection] : undefined;
      if (species === null)
        return `species_code is missing, so its fit for collection ${show(collection)} cannot be checked`;
      if (allowed === undefined) {
        return check.unlisted === 'pass'
          ? null
          : `collection ${show(collection)} is not listed in the species map, and unlisted collections fail`;
      }
      return allowed.includes(species)
        ? null
        : `species_code ${show(species)} is not allowed for collection ${show(collection)} (allowed: ${allowed.join(', ')})`;
    }
  }
}

function textOf(row: InspectableRow, field: InspectableField): string | null {
  const value = row[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  throw new ValidationError('inspectable row', [
    {
      field,
      rule: 'type',
      message: `must be text or null, got ${value instanceof Date ? 'a Date' : typeof value}`,
    },
  ]);
}

function timestampOf(row: InspectableRow, field: 'born_at'): Date | null {
  const value = row[field];
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new ValidationError('inspectable row', [
      { field, rule: 'timestamp', message: 'must be a valid timestamp or null' },
    ]);
  }
  return date;
}

const regexCache = new Map<string, LinearRegex>();

/**
 * The pattern as a linear-time matcher: the same answers as `new RegExp(pattern, 'u').test(value)`
 * without JavaScript's backtracking, which can take minutes on a long value (see linear-regex.ts).
 */
function regexOf(pattern: string): LinearRegex {
  let regex = regexCache.get(pattern);
  if (regex === undefined) {
    regex = compileLinearRegex(pattern);
    regexCache.set(pattern, regex);
  }
  return regex;
}

function describeBounds(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `between ${min} and ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${max}`;
}

/** A value as JSON (so blanks and control characters are visible), cut to a readable length. */
function show(value: string): string {
  const codePoints = [...value];
  if (codePoints.length <= 60) return JSON.stringify(value);
  return `${JSON.stringify(codePoints.slice(0, 60).join(''))}… (${codePoints.length} characters)`;
}
