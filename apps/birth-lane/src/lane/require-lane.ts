import type { Queryable } from '@birth-lane/contract';
import { CliError, quoteRole } from '@birth-lane/contract/cli';

/**
 * Before a reading command does anything: is the lane installed here, and may this login read it?
 * Answers with the fix (run `birth-lane install`; the exact GRANT), not PostgreSQL's own words.
 */
export async function requireLaneReadable(db: Queryable): Promise<void> {
  const { rows } = await db.query<{
    login: string;
    registry: boolean;
    evidence: boolean;
    can_read_registry: boolean | null;
    can_read_evidence: boolean | null;
  }>(
    `select session_user as login,
            to_regclass('public.birth_registry') is not null as registry,
            to_regclass('birth_lane.evidence') is not null as evidence,
            case when to_regclass('public.birth_registry') is not null
                 then has_table_privilege('public.birth_registry', 'select') end as can_read_registry,
            case when to_regclass('birth_lane.evidence') is not null
                 then has_table_privilege('birth_lane.evidence', 'select') end as can_read_evidence`,
  );
  const state = rows[0]!;
  if (!state.registry || !state.evidence) {
    throw new CliError(
      'unavailable',
      `the lane is not installed in this database (${state.registry ? 'birth_lane.evidence' : 'public.birth_registry'} is missing).\n` +
        'Run `birth-lane install` as the lane owner, then try again.',
    );
  }
  if (!state.can_read_registry || !state.can_read_evidence) {
    throw new CliError(
      'noPermission',
      `${state.login} may not read the lane (${!state.can_read_registry ? 'public.birth_registry' : 'birth_lane.evidence'}).\n` +
        `As the lane owner, grant the reader role:\n  grant birth_lane_reader to ${quoteRole(state.login)};`,
    );
  }
}
