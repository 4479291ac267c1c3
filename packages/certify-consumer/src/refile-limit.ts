/**
 * Most rows one call re-files by default (`birth_lane.refile_promotion_requests`). Its own module,
 * free of imports, so the command line can show it in `--help` without loading the block.
 */
export const DEFAULT_REFILE_LIMIT = 1000;
