import { ValidationError } from '@birth-lane/contract';
import { z } from 'zod';

const registryId = z
  .string()
  .trim()
  .regex(/^[1-9][0-9]{0,17}$/, 'must be a registry id, a whole number from 1');

/**
 * What a person asks a pass to cover. Both bounds are required: a blanket pass over "everything
 * uncertified" is exactly the unbounded write the lane refuses.
 */
export const backlogPlanInputSchema = z
  .object({
    idFrom: registryId,
    idTo: registryId,
    maxRows: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100_000_000, 'must be at most 100000000')
      .optional(),
    reason: z.string().trim().min(1, 'say why').max(2000).optional(),
  })
  .refine((input) => BigInt(input.idFrom) <= BigInt(input.idTo), {
    path: ['idTo'],
    message: 'must not be below idFrom',
  });
export type BacklogPlanInput = z.input<typeof backlogPlanInputSchema>;

/** Parses a plan request; missing bounds and reversed ranges are refused naming the field and rule. */
export function parseBacklogPlanInput(input: unknown): z.output<typeof backlogPlanInputSchema> {
  const parsed = backlogPlanInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ValidationError(
    'backlog plan',
    parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(input)',
      rule: issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.code,
      message:
        issue.code === 'invalid_type' && issue.input === undefined
          ? 'is required: a backlog pass is always bounded (give --from-id and --to-id)'
          : issue.message,
    })),
  );
}
