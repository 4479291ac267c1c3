import {
  INSPECT_STAGES,
  type InspectableField,
  type RuleSet,
  ValidationError,
  type ValidationIssue,
} from '@birth-lane/contract';
import { compileLinearRegex } from './linear-regex.js';
import { toPostgresRegex } from './portable-regex.js';
import { UnportablePatternError } from './regex-ast.js';

/** `born_at` is a timestamptz; every other inspectable field is text. */
export function isTimestampField(field: InspectableField): field is 'born_at' {
  return field === 'born_at';
}

/**
 * What a schema-valid rule set may still contain that this producer cannot judge identically in
 * TypeScript and SQL: a pattern without a faithful PostgreSQL translation, or a text check
 * (pattern, one_of, length) on the timestamp `born_at`, whose text form differs between the two,
 * or a pattern too large for the evaluator's linear-time matcher.
 * Both the evaluator and the compiler refuse such a rule set, so they always agree on what they run.
 */
export function ruleSetSupportIssues(ruleSet: RuleSet): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const stage of INSPECT_STAGES) {
    ruleSet.stages[stage].forEach((check, index) => {
      const path = `stages.${stage}.${index}`;
      if (
        (check.kind === 'pattern' || check.kind === 'one_of' || check.kind === 'length') &&
        isTimestampField(check.field)
      ) {
        issues.push({
          field: `${path}.field`,
          rule: 'text_field',
          message: `check ${check.id}: ${check.kind} applies to text fields only; born_at is a timestamp (use required or not_future)`,
        });
      }
      if (check.kind === 'pattern') {
        const reason = patternSupportReason(check.pattern);
        if (reason !== null) {
          issues.push({
            field: `${path}.pattern`,
            rule: 'portable_regex',
            message: `check ${check.id}: the pattern ${reason}`,
          });
        }
      }
    });
  }
  return issues;
}

const supported = new WeakSet<RuleSet>();

/** Throws a ValidationError listing every unsupported check; remembers rule sets that passed. */
export function assertSupportedRuleSet(ruleSet: RuleSet, subject = `rule set ${ruleSet.version}`): void {
  if (supported.has(ruleSet)) return;
  const issues = ruleSetSupportIssues(ruleSet);
  if (issues.length > 0) throw new ValidationError(subject, issues);
  supported.add(ruleSet);
}

/** Why the evaluator or the compiler could not run `pattern`, or null when both can. */
function patternSupportReason(pattern: string): string | null {
  try {
    toPostgresRegex(pattern);
    compileLinearRegex(pattern);
    return null;
  } catch (error) {
    if (error instanceof UnportablePatternError) return error.message;
    throw error;
  }
}
