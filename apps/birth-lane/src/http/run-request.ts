import { toIssues, ValidationError, type ValidationIssue } from '@birth-lane/contract';
import { z } from 'zod';

const BIGINT_MAX = 9_223_372_036_854_775_807n;
const ID_PATTERN = /^[1-9][0-9]{0,18}$/;

/** A registry id as a decimal string: JSON numbers lose precision past 2^53, bigserial does not. */
const rowId = z
  .string()
  .regex(ID_PATTERN, 'must be a positive whole number written as a decimal string, e.g. "1000"')
  .refine((value) => BigInt(value) <= BIGINT_MAX, {
    message: `must be at most ${BIGINT_MAX} (the largest bigint)`,
    params: { rule: 'max' },
  });

const isId = (value: unknown): value is string =>
  typeof value === 'string' && ID_PATTERN.test(value) && BigInt(value) <= BIGINT_MAX;

/** The body of `POST /runs`: what one run may be bounded by. Unknown keys are refused (a typo would silently widen the run). */
export const runRequestSchema = z
  .strictObject({
    maxRows: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().max(50_000).optional(),
    idFrom: rowId.optional(),
    idTo: rowId.optional(),
  })
  .refine(
    (body) =>
      body.idFrom === undefined || body.idTo === undefined || BigInt(body.idFrom) <= BigInt(body.idTo),
    {
      message: 'must not be greater than idTo',
      path: ['idFrom'],
      params: { rule: 'order' },
      // Check the order even when other fields are wrong, so one answer lists every problem.
      when: (payload) => {
        const value = payload.value as Record<string, unknown> | null;
        return typeof value === 'object' && value !== null && isId(value['idFrom']) && isId(value['idTo']);
      },
    },
  );
export type RunRequest = z.output<typeof runRequestSchema>;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

/**
 * Turns the raw request body into run options, or throws a ValidationError listing every problem.
 * An empty body means "no bounds" and needs no content type; a non-empty one must be JSON.
 */
export function parseRunRequest(body: string, contentType: string | undefined): RunRequest {
  if (body.trim() === '') return {};
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw invalid({
      field: '(content-type)',
      rule: 'content_type',
      message: `must be application/json, got ${contentType === undefined ? 'none' : JSON.stringify(contentType)}`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw invalid({
      field: '(input)',
      rule: 'json',
      message: `is not valid JSON: ${(error as Error).message}`,
    });
  }
  const result = runRequestSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new ValidationError('run request', toIssues(result.error));
  return result.data;
}

function invalid(issue: ValidationIssue): ValidationError {
  return new ValidationError('run request', [issue]);
}
