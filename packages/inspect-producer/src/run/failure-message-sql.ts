import type { Check, RuleSet } from '@birth-lane/contract';
import { INSPECT_STAGES, quoteIdentifier, quoteLiteral } from '@birth-lane/contract';

/** What a check demands, in words; a check's own `message` wins. */
export function describeCheck(check: Check): string {
  if (check.message) return check.message;
  switch (check.kind) {
    case 'required':
      return `${check.field} is required`;
    case 'pattern':
      return `${check.field} must match ${check.pattern}`;
    case 'one_of':
      return `${check.field} must be one of: ${check.values.join(', ')}`;
    case 'length':
      return `${check.field} must be ${check.min ?? 0} to ${check.max ?? '∞'} characters long`;
    case 'not_future':
      return `${check.field} must not be in the future`;
    case 'species_fit':
      return 'species_code must be one of the species allowed for the row collection_name';
  }
}

/** The value a reviewer needs to see next to the failure: the field, or collection/species for species_fit. */
function foundValueSql(check: Check, rowAlias: string): string {
  const column = (field: string) => `${quoteIdentifier(rowAlias)}.${quoteIdentifier(field)}`;
  const shown = (expression: string) => `coalesce(quote_literal(left(${expression}, 80)), 'null')`;
  if (check.kind === 'species_fit') {
    return `${shown(`${column('collection_name')}::text`)} || '/' || ${shown(`${column('species_code')}::text`)}`;
  }
  return shown(`${column(check.field)}::text`);
}

/**
 * A text expression giving the evidence message for a failed check id: the description plus what
 * was found, e.g. `entity_code must match ^…$ (found: 'ent-12')`.
 */
export function failureMessageSql(ruleSet: RuleSet, checkIdExpression: string, rowAlias: string): string {
  const branches = INSPECT_STAGES.flatMap((stage) =>
    ruleSet.stages[stage].map(
      (check) =>
        `when ${quoteLiteral(check.id)} then ${quoteLiteral(describeCheck(check))} || ' (found: ' || ${foundValueSql(check, rowAlias)} || ')'`,
    ),
  );
  return `case ${checkIdExpression} ${branches.join(' ')} else 'unknown check ' || ${checkIdExpression} end`;
}
