/**
 * The channel's defaults and limits: one short call a minute, well inside a 5 s statement timeout.
 * Their own file, free of zod, so `--help` shows them without loading the library.
 */
export const PG_CRON_DEFAULTS = { schedule: '*/1 * * * *', batchSize: 2000, timeBudgetMs: 3000 } as const;

/** birth_lane.run_producer itself refuses batches outside 1..50000. */
export const BATCH_SIZE_LIMITS = { min: 1, max: 50_000 } as const;

/** Below 100 ms a call would rarely finish one batch; above 10 minutes it is not a "short call". */
export const TIME_BUDGET_LIMITS = { min: 100, max: 600_000 } as const;
