import { inject } from 'vitest';
import { SERVER_URL_KEY } from './provided-context.js';

/**
 * URL of the PostgreSQL server the global setup chose, connected to its maintenance database.
 * For tests that need more than a test database, e.g. to create roles (which are cluster-wide).
 */
export function serverUrl(): string {
  const url = inject(SERVER_URL_KEY);
  if (!url) {
    throw new Error(
      '[test-kit] no test server URL was provided: add the global setup, e.g. ' +
        "`export default birthLaneVitestConfig()` from '@birth-lane/test-kit/vitest-preset' in vitest.config.ts",
    );
  }
  return url;
}
