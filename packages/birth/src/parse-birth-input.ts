import {
  type BirthInput,
  birthInputSchema,
  type ParsedBirthInput,
  ValidationError,
  type ValidationIssue,
} from '@birth-lane/contract';
import { issuesOf } from './validation-issues.js';

const UNKNOWN_KEY_MESSAGE =
  'is not a birth field (a birth never carries a stamp, certified or a canonical field); remove it';

/**
 * Validates a birth input with the contract's strict `birthInputSchema`. This is the contract's
 * parseOrThrow plus one refinement: a key that is not a birth field (`certified`, a stamp, a
 * canonical field, a typo) is reported as an issue on that key itself, so the error names
 * `certified` rather than the whole input.
 */
export function parseBirthInput(input: BirthInput): ParsedBirthInput {
  const { parsed, issues } = check(input, []);
  if (!parsed) throw new ValidationError('birth input', issues);
  return parsed;
}

/**
 * Validates a whole batch before anything is written: every bad input is reported by index and
 * field (`inputs.3.entity_code`), and an entity_code given twice is refused naming both indexes.
 */
export function parseBirthInputs(inputs: readonly BirthInput[]): ParsedBirthInput[] {
  if (!Array.isArray(inputs)) {
    throw new ValidationError('birth inputs', [
      { field: 'inputs', rule: 'type', message: 'must be an array of birth inputs' },
    ]);
  }
  const issues: ValidationIssue[] = [];
  const parsed: ParsedBirthInput[] = [];
  const firstIndexOfCode = new Map<string, number>();
  inputs.forEach((input, index) => {
    const result = check(input, ['inputs', String(index)]);
    issues.push(...result.issues);
    if (!result.parsed) return;
    parsed.push(result.parsed);
    const code = result.parsed.entity_code;
    const first = firstIndexOfCode.get(code);
    if (first === undefined) {
      firstIndexOfCode.set(code, index);
    } else {
      issues.push({
        field: `inputs.${index}.entity_code`,
        rule: 'unique',
        message: `duplicates inputs.${first}.entity_code (${code}); a batch may mint each entity_code once`,
      });
    }
  });
  if (issues.length > 0) throw new ValidationError('birth inputs', issues);
  return parsed;
}

function check(
  input: unknown,
  prefix: readonly string[],
): { parsed?: ParsedBirthInput; issues: ValidationIssue[] } {
  const result = birthInputSchema.safeParse(input, { reportInput: true });
  if (result.success) return { parsed: result.data, issues: [] };
  return { issues: issuesOf(result.error, prefix, UNKNOWN_KEY_MESSAGE) };
}
