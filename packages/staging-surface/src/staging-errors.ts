import { BirthLaneError } from '@birth-lane/contract';
import type { ReadinessCheck } from './readiness.js';

const RESIDUE_MARKER = Symbol.for('birth-lane.error.StagingResidueError');

/**
 * A surface's drop left something behind (BAD-15): the disposal unit was not total. `residue`
 * names each leftover, so a person can see exactly what survived.
 */
export class StagingResidueError extends BirthLaneError {
  readonly surfaceId: string;
  readonly residue: readonly string[];
  readonly [RESIDUE_MARKER] = true;

  constructor(surfaceId: string, residue: readonly string[]) {
    super(
      'CONTRACT_VIOLATION',
      `BAD-15: staging surface ${surfaceId} left residue after its drop:\n${residue.map((each) => `  - ${each}`).join('\n')}\nRemove each leftover by hand and find out what created it; a drop must be total.`,
    );
    this.name = 'StagingResidueError';
    this.surfaceId = surfaceId;
    this.residue = residue;
  }

  static override isInstance(value: unknown): value is StagingResidueError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[RESIDUE_MARKER] === true
    );
  }
}

const READINESS_MARKER = Symbol.for('birth-lane.error.StagingReadinessError');

/** A readiness criterion (SR-1 … SR-8) failed, so no surface was created. */
export class StagingReadinessError extends BirthLaneError {
  readonly failed: readonly ReadinessCheck[];
  readonly [READINESS_MARKER] = true;

  constructor(failed: readonly ReadinessCheck[]) {
    // An unresolved rule set is the lane's "source recovery required"; any other failure is a stop.
    const code = failed.every((check) => check.id === 'SR-8') ? 'SOURCE_RECOVERY_REQUIRED' : 'STOP_CONDITION';
    super(
      code,
      `Staging readiness failed; no surface was created:\n${failed.map((check) => `  - ${check.id} ${check.title}: ${check.observed}`).join('\n')}`,
    );
    this.name = 'StagingReadinessError';
    this.failed = failed;
  }

  static override isInstance(value: unknown): value is StagingReadinessError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[READINESS_MARKER] === true
    );
  }
}
