import {
  BirthLaneError,
  type Database,
  type PooledConnection,
  SQLSTATE,
  sqlStateOf,
} from '@birth-lane/contract';
import { STAGING_ROLE } from './surface-id.js';

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
