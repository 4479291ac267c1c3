import { describe, expect, it } from 'vitest';
import { stopConditionForDatabaseError } from './stop-condition.js';

describe('stopConditionForDatabaseError', () => {
  it('names the unauthorized login only when the ledger function itself was denied', () => {
    expect(
      stopConditionForDatabaseError({
        code: '42501',
        message: 'permission denied for function record_install_step',
      }),
    ).toBe('approval_recorded_by_unauthorized_login');
    // The step's own SQL lacking a privilege is the step failing, not the recording.
    expect(
      stopConditionForDatabaseError({ code: '42501', message: 'permission denied for database review14' }),
    ).toBeNull();
    expect(
      stopConditionForDatabaseError({ code: '42501', message: 'permission denied for schema birth_lane' }),
    ).toBeNull();
  });

  it('maps the ledger refusals by constraint', () => {
    expect(stopConditionForDatabaseError({ code: 'BL003', constraint: 'approval_risk_below_step' })).toBe(
      'approval_missing',
    );
    expect(stopConditionForDatabaseError({ code: 'BL003', constraint: 'install_step_rehearsed' })).toBe(
      'step_not_rehearsed',
    );
  });
});
