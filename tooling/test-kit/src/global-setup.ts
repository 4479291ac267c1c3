import type { TestProject } from 'vitest/node';
import { SERVER_URL_KEY } from './provided-context.js';
import { startTestServer } from './servers/choose-server.js';
import { inspectServer } from './servers/inspect-server.js';

/**
 * Vitest global setup: runs once per test run, in the main process, before any test file.
 * Chooses a PostgreSQL server, tells the workers its URL, and returns the teardown.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedAt = performance.now();
  const server = await startTestServer();
  let version: string;
  try {
    version = await inspectServer(server.url, server.source);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  process.stderr.write(`[test-kit] PostgreSQL ${version} from ${server.source}, ready in ${seconds} s\n`);

  project.provide(SERVER_URL_KEY, server.url);
  return async () => {
    await server.stop();
  };
}
