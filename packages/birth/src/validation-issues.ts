import { toIssues, type ValidationIssue } from '@birth-lane/contract';
import type { z } from 'zod';

/**
 * The contract's toIssues, with every field prefixed (`inputs.3.`) and each unknown key reported on
 * the key itself (`inputs.3.certified`) instead of on the whole object, so the error names it.
 */
export function issuesOf(
  error: z.ZodError,
  prefix: readonly string[],
  unknownKeyMessage: string,
): ValidationIssue[] {
  const generic = toIssues(error);
  return error.issues.flatMap((issue, position): ValidationIssue[] => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [...path, key].join('.'),
        rule: 'unknown_key',
        message: unknownKeyMessage,
      }));
    }
    const { rule, message } = generic[position]!;
    // A missing value fails a union on every branch; say "required", as the contract does for plain fields.
    const missing = issue.code === 'invalid_union' && issue.input === undefined;
    return [
      { field: path.length > 0 ? path.join('.') : '(input)', rule: missing ? 'required' : rule, message },
    ];
  });
}
