import { BirthLaneError } from '@birth-lane/contract';

/**
 * The global stop conditions of the install plan (seed 004), each with a stable name that is
 * printed and carried in --json. Any of them rolls the step back and ends the command.
 */
export const STOP_CONDITIONS = {
  approval_missing: 'no approval meeting quorum for this exact step version at the moment of commit',
  forbidden_action_reachable: 'the step would grant a lane role (or PUBLIC) a privilege outside the plan',
  step_not_rehearsed: 'no passed rehearsal of this exact step version',
  idle_in_transaction: 'another session on the database is idle in transaction',
  footprint_exceeded: 'the catalog changed beyond the step’s planned footprint',
  approval_recorded_by_unauthorized_login: 'the login recording the step does not hold birth_lane_installer',
  reverify_failed: 'the live database is not in the state the step expects',
  drift: 'an applied step’s definition changed since it was applied',
} as const;
export type StopConditionName = keyof typeof STOP_CONDITIONS;

const MARKER = Symbol.for('birth-lane.error.InstallStopError');

/** A stop condition met: the step was rolled back (or never started); `condition` names it. */
export class InstallStopError extends BirthLaneError {
  readonly condition: StopConditionName;
  readonly step: string | null;
  readonly [MARKER] = true;

  constructor(
    condition: StopConditionName,
    step: string | null,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('STOP_CONDITION', `stop: ${condition}${step ? ` at ${step}` : ''}: ${detail}`, options);
    this.name = 'InstallStopError';
    this.condition = condition;
    this.step = step;
  }

  static override isInstance(value: unknown): value is InstallStopError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }

  toJSON() {
    return { stopCondition: this.condition, step: this.step, message: this.message };
  }
}

/** The ledger functions' refusals (BL003 with CONSTRAINT) as stop conditions; null for any other error. */
export function stopConditionForDatabaseError(error: unknown): StopConditionName | null {
  const { code, constraint, message } = (error ?? {}) as {
    code?: string;
    constraint?: string;
    message?: string;
  };
  // 42501 on a ledger function: the login may not even execute it (no birth_lane_installer). Any
  // other 42501 (the step's own SQL lacks a privilege: "permission denied for database …") is the
  // step failing, not the recording, and stays the database's error.
  if (code === '42501')
    return /permission denied for function (record_install_|adopt_install_|install_assert_)/.test(
      message ?? '',
    )
      ? 'approval_recorded_by_unauthorized_login'
      : null;
  if (code !== 'BL003' || typeof constraint !== 'string') return null;
  if (constraint === 'install_installer_role') return 'approval_recorded_by_unauthorized_login';
  if (constraint === 'install_step_rehearsed') return 'step_not_rehearsed';
  if (constraint.startsWith('approval_') || constraint === 'install_approval_present')
    return 'approval_missing';
  if (constraint === 'install_no_self_approval' || constraint === 'install_bootstrap_window')
    return 'approval_missing';
  return null;
}
