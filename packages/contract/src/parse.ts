import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors.js';

/**
 * Parses `input` with `schema`, or throws a ValidationError whose issues name each field and rule.
 * Every edge (files, flags, HTTP bodies, environment, database rows) goes through here.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.output<S> {
  // reportInput lets ruleOf tell a missing field (required) from a wrong type.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(subject, toIssues(result.error));
}

export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(input)',
    rule: ruleOf(issue),
    message: issue.message,
  }));
}

function ruleOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'required' : 'type';
    case 'invalid_format':
      return issue.format === 'regex' ? 'pattern' : issue.format;
    case 'invalid_value':
      return 'one_of';
    case 'too_small':
      return 'min';
    case 'too_big':
      return 'max';
    case 'unrecognized_keys':
      return 'unknown_key';
    case 'invalid_union':
      return 'one_of';
    case 'custom':
      return typeof issue.params?.['rule'] === 'string' ? issue.params['rule'] : 'custom';
    default:
      return issue.code;
  }
}
