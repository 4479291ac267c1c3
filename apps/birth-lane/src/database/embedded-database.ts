import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BirthLaneError } from '@birth-lane/contract';
import {
  isSpawnAccessError,
  loadEmbeddedPostgres,
  postgresUserAccessProblem,
} from '@birth-lane/embedded-postgres';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

const UNREACHABLE_OTHERWISE =
  'Or set DATABASE_URL to a PostgreSQL server you have (the lane installs into it).';

/**
 * A project-local PostgreSQL from the binaries the embedded-postgres package ships, for machines
 * with nothing installed. Its data lives in `dataDir` and survives between runs; a second start
 * reuses it. As root, PostgreSQL runs as the OS user `postgres`, which must reach the directory.
 */
export async function startEmbeddedDatabase(dataRoot: string, port: number): Promise<EmbeddedDatabase> {
  const root = resolve(dataRoot);
  const dataDir = resolve(root, 'pg');
  const runsAsRoot = process.getuid?.() === 0;
  await mkdir(root, { recursive: true });
  if (runsAsRoot) await chmod(root, 0o755);
  const problem = await postgresUserAccessProblem(
    [{ what: 'the data directory', path: root, fix: 'set BIRTH_LANE_DATA_DIR to a folder it can reach' }],
    UNREACHABLE_OTHERWISE,
  );
  if (problem) throw new BirthLaneError('CONFIGURATION_INVALID', problem);
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=100',
    ],
    onLog: () => undefined,
  });
  try {
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    if (!isSpawnAccessError(error)) throw error;
    throw new BirthLaneError(
      'CONFIGURATION_INVALID',
      `Embedded PostgreSQL cannot start (${(error as Error).message}): the OS user "postgres" cannot run or reach ` +
        `a file it needs. Move the clone to a folder others can enter (not /root), set TMPDIR and ` +
        `BIRTH_LANE_DATA_DIR to folders it can reach, or ${UNREACHABLE_OTHERWISE.toLowerCase()}`,
      { cause: error },
    );
  }
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: () => server.stop(),
  };
}
