import { z } from 'zod';
import { inspectStageSchema } from './inspect.js';

/** One failed check: which, on what field, and a sentence a person understands. */
export const checkFailureSchema = z.object({
  checkId: z.string().min(1),
  message: z.string().min(1),
});
export type CheckFailure = z.infer<typeof checkFailureSchema>;

/**
 * The outcome of one stage for one row. `passed` is true exactly when no check failed: a verdict
 * that claims a pass while listing failures is refused.
 */
export const stageVerdictSchema = z
  .object({
    stage: inspectStageSchema,
    passed: z.boolean(),
    failures: z.array(checkFailureSchema),
  })
  .refine((verdict) => verdict.passed === (verdict.failures.length === 0), {
    message: 'passed must be true exactly when there are no failures',
    path: ['passed'],
    params: { rule: 'consistent' },
  });
export type StageVerdict = z.infer<typeof stageVerdictSchema>;
