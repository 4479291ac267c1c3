import type { Queryable, Step } from '@birth-lane/contract';
import { InstallStopError } from './stop-condition.js';

const RISKS = ['low', 'medium', 'high'] as const;

/**
 * Before a step's SQL runs (apply or rollback): the step's declared `risk` is valid and the
 * approval was approved at that risk or above (birth_lane.install_assert_approval_risk, which the
 * recording functions call again at commit). The database cannot know a step's definition: the
 * risk and version hash are those the installer's plan declares, which the approvers approved.
 */
export async function assertApprovalCoversRisk(
  connection: Queryable,
  step: Step,
  approvalId: string,
): Promise<void> {
  if (!(RISKS as readonly string[]).includes(step.risk))
    throw new InstallStopError(
      'approval_missing',
      step.id,
      `risk: must be one of ${RISKS.join(', ')} (got ${JSON.stringify(step.risk)})`,
    );
  await connection.query('savepoint install_risk_check');
  try {
    await connection.query('select birth_lane.install_assert_approval_risk($1::text, $2::bigint, $3::text)', [
      step.id,
      approvalId,
      step.risk,
    ]);
    await connection.query('release savepoint install_risk_check');
  } catch (error) {
    await connection.query('rollback to savepoint install_risk_check');
    const { code, constraint, message } = error as { code?: string; constraint?: string; message?: string };
    if (code === 'BL003' && constraint === 'approval_risk_below_step')
      throw new InstallStopError('approval_missing', step.id, `approval risk: ${message}`, { cause: error });
    throw error;
  }
}
