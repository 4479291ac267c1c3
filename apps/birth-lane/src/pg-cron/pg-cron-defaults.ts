/** The pg-cron install defaults (their own file: `--help` shows them without loading zod). */
export const PG_CRON_DEFAULTS = { schedule: '*/1 * * * *', batchSize: 2000, timeBudgetMs: 3000 } as const;
