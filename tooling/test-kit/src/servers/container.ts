import type { RunningServer } from './running-server.js';
import { TEST_SERVER_FLAGS } from './test-server-flags.js';

const IMAGE = 'postgres:17-alpine';

/** PostgreSQL 17 in a throwaway container (testcontainers), removed when the run ends. */
export async function startContainer(): Promise<RunningServer> {
  // Imported here so runs that never use Docker do not pay for loading testcontainers.
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(IMAGE)
    .withCommand(['postgres', ...TEST_SERVER_FLAGS.flatMap((flag) => ['-c', flag])])
    .start();
  return {
    url: container.getConnectionUri(),
    source: `a ${IMAGE} container`,
    async stop() {
      await container.stop();
    },
  };
}
