import { registryIdSchema } from '@birth-lane/contract';
import { z } from 'zod';

/** One job: one id range of one enqueued run. Validated when a worker takes it. */
export const runJobSchema = z
  .strictObject({
    /** Shared by every job of one `enqueue-run`, and recorded with each job's run in the evidence log. */
    parentRunKey: z.uuid(),
    chunk: z.number().int().min(1),
    chunks: z.number().int().min(1),
    idFrom: registryIdSchema,
    idTo: registryIdSchema,
  })
  .refine((job) => BigInt(job.idFrom) <= BigInt(job.idTo), {
    path: ['idTo'],
    message: 'must not be below idFrom',
    params: { rule: 'order' },
  });
export type RunJob = z.output<typeof runJobSchema>;
