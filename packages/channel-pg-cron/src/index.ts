export { openDatabaseNamedFromUrl, urlForDatabase } from './cron-database.js';
export { installPgCronJob, type PgCronInstallation } from './install-pg-cron-job.js';
export {
  createPgCronChannel,
  type PgCronChannel,
  type PgCronChannelDependencies,
} from './pg-cron-channel.js';
export { PG_CRON_DEFAULTS } from './pg-cron-defaults.js';
export { pgCronCommand, pgCronInstanceId, pgCronJobName } from './pg-cron-job-names.js';
export {
  assertSettingsFitServer,
  PG_CRON_SETTINGS_SUBJECT,
  type PgCronSettings,
  type PgCronSettingsInput,
  pgCronSettingsSchema,
  STATEMENT_TIMEOUT_HEADROOM_MS,
} from './pg-cron-settings.js';
export {
  PG_CRON_WRAPPER_PROCEDURE,
  pgCronSteps,
  pgCronWrapperProducerOnlyStep,
  pgCronWrapperStep,
  RUN_PRODUCER_STEP,
} from './pg-cron-steps.js';
export {
  diagnosePgCron,
  type NamedDatabase,
  type OpenDatabaseNamed,
  type PgCronDiagnosis,
  type PgCronTarget,
  resolvePgCronTarget,
} from './pg-cron-target.js';
export { PgCronUnavailableError, type PgCronUnavailableReason } from './pg-cron-unavailable.js';
export {
  type PgCronJob,
  type PgCronJobRun,
  type PgCronStatus,
  readPgCronStatus,
} from './read-pg-cron-status.js';
export { uninstallPgCronJob } from './uninstall-pg-cron-job.js';
