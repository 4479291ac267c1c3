import { registryIdSchema } from '@birth-lane/contract';
import { z } from 'zod';

const isRegistryId = (value: unknown): boolean => registryIdSchema.safeParse(value).success;

/**
 * The body of `POST /runs`: what one run may be bounded by. Unknown keys are refused (a typo would
 * silently widen the run). Ids go through the contract's one registry-id schema: decimal strings
 * up to the bigint maximum (or JSON numbers while exact), read as text.
 */
export const runRequestSchema = z
  .strictObject({
    maxRows: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().max(50_000).optional(),
    idFrom: registryIdSchema.optional(),
    idTo: registryIdSchema.optional(),
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
        return (
          typeof value === 'object' &&
          value !== null &&
          isRegistryId(value['idFrom']) &&
          isRegistryId(value['idTo'])
        );
      },
    },
  );
export type RunRequest = z.output<typeof runRequestSchema>;

/** The id in `GET /runs/:id`: the UUID `POST /runs` answered with, in either case. */
export const runIdParamsSchema = z.strictObject({
  id: z.uuid('must be a UUID').transform((id) => id.toLowerCase()),
});
