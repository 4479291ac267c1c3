import {
  BirthLaneError,
  type Database,
  type PooledConnection,
  quoteIdentifier,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { STAGING_SQLSTATE } from './staging-sqlstate.js';
import { requireSurface } from './surface-exists.js';
import { STAGING_ROLE, type SurfaceId, surfaceRole, surfaceTable } from './surface-id.js';

/**
 * Runs `work` on a dedicated connection under `SET ROLE birth_lane_staging`, so every statement of
 * surface work has the staging role's privileges only (none to write production), even when the
 * login is a superuser. The role is reset (and any transaction left open rolled back) before the
 * connection goes back to the pool; a connection that cannot be reset is discarded instead.
 */
export async function withStagingRole<T>(
  db: Database,
  work: (connection: PooledConnection) => Promise<T>,
): Promise<T> {
  const connection = await db.connect();
  let broken: Error | undefined;
  try {
    try {
      await connection.query(`set role ${STAGING_ROLE}`);
    } catch (error) {
      if (
        sqlStateOf(error) !== SQLSTATE.insufficientPrivilege &&
        sqlStateOf(error) !== SQLSTATE.undefinedObject
      )
        throw error;
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        `Staging work runs as the role ${STAGING_ROLE}, and this login cannot take it (${(error as Error).message}). Install staging-surface/0001_staging and grant the role: grant ${STAGING_ROLE} to <your login>.`,
        { cause: error },
      );
    }
    return await work(connection);
  } finally {
    try {
      await connection.query('rollback');
      await connection.query('reset role');
    } catch (resetError) {
      broken = resetError as Error;
    }
    connection.release(broken ?? false);
  }
}

/**
 * Runs `work` as the surface's own role bl_stage_<id> (after the staging role's membership check
 * above), so it reads and writes that one surface and nothing another login created. A surface
 * that does not exist is "no staging surface <id>"; one this login does not hold (another login's)
 * is refused naming its creator.
 */
export async function withSurfaceRole<T>(
  db: Database,
  surfaceId: SurfaceId,
  work: (connection: PooledConnection) => Promise<T>,
): Promise<T> {
  return withStagingRole(db, async (connection) => {
    await requireSurface(connection, surfaceId);
    const role = surfaceRole(surfaceId);
    try {
      await connection.query(`set role ${quoteIdentifier(role)}`);
    } catch (error) {
      const state = sqlStateOf(error);
      const missing = state === SQLSTATE.undefinedObject || state === STAGING_SQLSTATE.invalidParameterValue;
      if (state !== SQLSTATE.insufficientPrivilege && !missing) throw error;
      const { rows } = await connection
        .query<{ creator: string | null }>(
          `select (select min(creator::text) from ${surfaceTable(surfaceId, 'manifest')}) as creator`,
        )
        .catch(() => ({ rows: [] as { creator: string | null }[] }));
      const creator = rows[0]?.creator;
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        missing
          ? `Staging surface ${surfaceId} has no role of its own (made by an earlier install, or half-made); nothing can run in it. Drop it: birth-lane staging drop ${surfaceId}.`
          : `Staging surface ${surfaceId} belongs to ${creator ?? 'another login'}; only its creator (a login granted ${role}) may load, run or report it.`,
        { cause: error },
      );
    }
    return work(connection);
  });
}
