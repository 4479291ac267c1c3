import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './test-database.js';

/**
 * Gives the calling test file (or describe block) its own database: created in beforeAll,
 * dropped in afterAll. Read `.db` inside tests and hooks, not at module level.
 */
export function useTestDatabase(options: TestDatabaseOptions = {}): { readonly db: TestDatabase } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(options);
  });
  afterAll(async () => {
    await db?.close();
    db = undefined;
  });
  return {
    get db(): TestDatabase {
      if (!db) throw new Error('[test-kit] the test database exists only between beforeAll and afterAll');
      return db;
    },
  };
}
