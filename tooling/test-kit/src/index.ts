import './provided-context.js';

export { withDatabase } from './database-url.js';
export { modulesLoadedBy } from './modules-loaded.js';
export { templateName } from './names.js';
export { PG_CRON_LIBRARY, pgCronTestsAvailable, startPgCronCluster } from './pg-cron-cluster.js';
export { serverUrl } from './server-url.js';
export type { TemplateRecipe } from './template.js';
export { postgresBinDir, startTemporaryCluster, type TemporaryCluster } from './temporary-cluster.js';
export {
  createTestDatabase,
  type TestDatabase,
  type TestDatabaseOptions,
  testDatabaseExists,
} from './test-database.js';
export { useTestDatabase } from './use-test-database.js';
