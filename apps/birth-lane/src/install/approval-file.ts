import { readFileSync } from 'node:fs';
import { ValidationError } from '@birth-lane/contract';
import type { InstallPlan } from '@birth-lane/install-plan';
import { z } from 'zod';

/**
 * `install apply --all --approval-per-step-from FILE`: a reviewed batch, one approval per step,
 * each naming the step version it approves. A line for a version other than the plan's is
 * refused before anything runs (the approval would be refused at commit anyway).
 */
const approvalFileSchema = z.strictObject({
  planHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the 64-hex plan hash `install plan --json` prints')
    .optional(),
  approvals: z
    .array(
      z.strictObject({
        step: z.string().min(1),
        versionHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the step’s 64-hex version hash'),
        approval: z.union([
          z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be an approval request id'),
          z.number().int().positive(),
        ]),
      }),
    )
    .min(1),
});

export function readApprovalFile(path: string, plan: InstallPlan): Map<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ValidationError('approval file', [
      {
        field: '--approval-per-step-from',
        rule: 'json_file',
        message: `${path}: ${(error as Error).message}`,
      },
    ]);
  }
  const parsed = approvalFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      'approval file',
      parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(input)',
        rule: issue.code,
        message: issue.message,
      })),
    );
  }
  if (parsed.data.planHash !== undefined && parsed.data.planHash !== plan.planHash)
    throw new ValidationError('approval file', [
      {
        field: 'planHash',
        rule: 'plan_matches',
        message: `the file is for plan ${parsed.data.planHash.slice(0, 12)}, the plan now is ${plan.planHash.slice(0, 12)}`,
      },
    ]);
  const approvals = new Map<string, string>();
  for (const [index, line] of parsed.data.approvals.entries()) {
    const step = plan.steps.find((candidate) => candidate.id === line.step);
    if (step === undefined || step.versionHash !== line.versionHash)
      throw new ValidationError('approval file', [
        {
          field: `approvals.${index}`,
          rule: 'step_version',
          message:
            step === undefined
              ? `the plan has no step ${line.step}`
              : `${line.step} is at version ${step.versionHash.slice(0, 12)} in the plan, not ${line.versionHash.slice(0, 12)}`,
        },
      ]);
    approvals.set(line.step, String(line.approval));
  }
  return approvals;
}
