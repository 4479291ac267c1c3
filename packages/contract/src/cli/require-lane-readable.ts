import type { Queryable } from '../ports/queryable.js';
import { REGISTRY_TABLE } from '../registry-row.js';
import type { LaneReadableRow } from '../sql/select-lane-readable.js';
import { CliError, quoteRole } from './cli-error.js';

/**
 * Before a reading command does anything: is the lane installed here, and may this login read it?
 * Answers with the fix (run `birth-lane install`; the exact GRANT), not PostgreSQL's own words.
 */
export async function requireLaneReadable(db: Queryable): Promise<void> {
  // Loaded when called: importing @birth-lane/contract/cli loads no query text.
  const { SELECT_LANE_READABLE_SQL } = await import('../sql/select-lane-readable.js');
  const { rows } = await db.query<LaneReadableRow>(SELECT_LANE_READABLE_SQL);
  const state = rows[0]!;
  if (!state.registry || !state.evidence) {
    throw new CliError(
      'unavailable',
      `the lane is not installed in this database (${state.registry ? 'birth_lane.evidence' : REGISTRY_TABLE} is missing).\n` +
        'Run `birth-lane install` as the lane owner, then try again.',
    );
  }
  if (!state.can_read_registry || !state.can_read_evidence) {
    throw new CliError(
      'noPermission',
      `${state.login} may not read the lane (${!state.can_read_registry ? REGISTRY_TABLE : 'birth_lane.evidence'}).\n` +
        `As the lane owner, grant the reader role:\n  grant birth_lane_reader to ${quoteRole(state.login)};`,
    );
  }
}
