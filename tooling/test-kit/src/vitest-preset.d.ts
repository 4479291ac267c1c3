import type { UserConfig } from 'vitest/config';

export interface BirthLaneVitestOptions {
  /** Start a PostgreSQL server for the run (the global setup). Default true. */
  database?: boolean;
  /** Same switch as `database`, under the name some packages use for DB-backed tests. */
  integration?: boolean;
  /** Per-test timeout in ms. Default 30000. */
  testTimeout?: number;
}

/** The shared vitest config of birth-lane packages: `export default birthLaneVitestConfig()`. */
export declare function birthLaneVitestConfig(options?: BirthLaneVitestOptions): UserConfig;
