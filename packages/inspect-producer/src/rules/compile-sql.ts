import {
  type Check,
  type InspectStage,
  quoteIdentifier,
  quoteLiteral,
  type RuleSet,
} from '@birth-lane/contract';
import { toPostgresRegex } from './portable-regex.js';
import { assertSupportedRuleSet, isTimestampField } from './rule-set-support.js';

/**
 * Compiles a rule set's stage into SQL with exactly the evaluator's semantics (see evaluate.ts and
 * the README's table). The expressions read the row through an alias whose columns carry the
 * registry's types: `born_at` timestamptz, every other inspectable field text. The database must
 * be UTF-8 (char_length then counts code points, like the evaluator).
 *
 * Check values are embedded as quoted literals, not parameters, because the same text ends up in
 * functions, procedures and scheduled jobs where no parameters exist.
 */
export interface CompileOptions {
  /**
   * The SQL expression `not_future` compares `born_at` with; `now()` unless given. It is pasted
   * into the SQL as written: pass a parameter (`$2::timestamptz`) or a literal you built, never
   * text from outside the program.
   */
  readonly now?: string;
}

/**
 * A `text[]` expression: the ids of the stage's failed checks, in check order. An empty array
 * means the stage passes.
 */
export function compileStageFailuresSql(
  ruleSet: RuleSet,
  stage: InspectStage,
  rowAlias = 'r',
  options: CompileOptions = {},
): string {
  assertSupportedRuleSet(ruleSet);
  const items = ruleSet.stages[stage].map(
    // A failure expression that came out NULL (a NULL `now`, say) counts as failed: fail closed.
    (check) =>
      `case when coalesce(${compileCheckFailsSql(check, rowAlias, options)}, true) then ${quoteLiteral(check.id)} end`,
  );
  return `array_remove(array[${items.join(', ')}]::text[], null)`;
}

/** A boolean expression: true exactly when no check of the stage fails. */
export function compileStagePassesSql(
  ruleSet: RuleSet,
  stage: InspectStage,
  rowAlias = 'r',
  options: CompileOptions = {},
): string {
  return `(cardinality(${compileStageFailuresSql(ruleSet, stage, rowAlias, options)}) = 0)`;
}

/**
 * A boolean expression that is true when `check` fails on the row. Written so it is never NULL
 * for any row (every nullable column is tested with `is null` first); the stage compiler still
 * treats NULL as a failure.
 */
export function compileCheckFailsSql(check: Check, rowAlias = 'r', options: CompileOptions = {}): string {
  const column = (field: string) => `${quoteIdentifier(rowAlias)}.${quoteIdentifier(field)}`;
  // Comparisons in the "C" collation: bytewise, so equality and the regex engine never depend on
  // the database's locale.
  const exact = (field: string) => `(${column(field)} collate "C")`;
  switch (check.kind) {
    case 'required': {
      const value = column(check.field);
      if (isTimestampField(check.field)) return `(${value} is null)`;
      return `(${value} is null or btrim(${value}, E' \\t\\n\\r') = '')`;
    }
    case 'pattern': {
      const value = column(check.field);
      return `(${value} is null or not (${exact(check.field)} ~ ${quoteLiteral(toPostgresRegex(check.pattern))}))`;
    }
    case 'one_of': {
      const value = column(check.field);
      return `(${value} is null or not (${exact(check.field)} = any (${textArray(check.values)})))`;
    }
    case 'length': {
      const value = column(check.field);
      const tooShort = check.min === undefined ? [] : [`char_length(${value}) < ${integer(check.min)}`];
      const tooLong = check.max === undefined ? [] : [`char_length(${value}) > ${integer(check.max)}`];
      return `(${[`${value} is null`, ...tooShort, ...tooLong].join(' or ')})`;
    }
    case 'not_future': {
      const value = column(check.field);
      return `(${value} is null or ${value} > (${options.now ?? 'now()'}))`;
    }
    case 'species_fit': {
      const collection = column('collection_name');
      const species = column('species_code');
      const listed = Object.entries(check.allowed).map(
        ([name, allowed]) =>
          `when ${exact('collection_name')} = ${quoteLiteral(name)} then not (${exact('species_code')} = any (${textArray(allowed)}))`,
      );
      const unlistedFails = check.unlisted === 'fail' ? 'true' : 'false';
      return `(case when ${collection} is null or ${species} is null then true ${listed.join(' ')} else ${unlistedFails} end)`;
    }
  }
}

function textArray(values: readonly string[]): string {
  return `array[${values.map((value) => quoteLiteral(value)).join(', ')}]::text[]`;
}

/** Bounds come from a parsed rule set, but they are pasted into SQL, so make sure they are integers. */
function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`length bound ${value} is not an integer`);
  return String(value);
}
