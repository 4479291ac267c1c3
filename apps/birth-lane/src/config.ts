import { parseOrThrow } from '@birth-lane/contract';
import { z } from 'zod';

/**
 * The app's settings from the environment. Every variable is validated; an unknown BIRTH_LANE_*
 * variable is an error too, because a typo there silently changes nothing.
 */
const environmentSchema = z.strictObject({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  BIRTH_LANE_DATA_DIR: z.string().min(1).default('.birth-lane'),
  BIRTH_LANE_EMBEDDED_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  BIRTH_LANE_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  BIRTH_LANE_HTTP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  BIRTH_LANE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  BIRTH_LANE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** `birth-lane serve`: the operator console at /console (on unless 0). */
  BIRTH_LANE_CONSOLE: z.enum(['0', '1']).default('1'),
  /** A console session ends after this many idle seconds (and at most 12 hours after sign-in). */
  BIRTH_LANE_CONSOLE_SESSION_TTL_S: z.coerce.number().int().min(60).max(43_200).default(1800),
  /** How many console sessions may stand at once (each holds a small pool of its login's connections). */
  BIRTH_LANE_CONSOLE_MAX_SESSIONS: z.coerce.number().int().min(1).max(1000).default(50),
  /** How many console sessions one login may hold; a further sign-in ends its own oldest one. */
  BIRTH_LANE_CONSOLE_MAX_SESSIONS_PER_LOGIN: z.coerce.number().int().min(1).max(100).default(5),
  /** Console sign-in attempts accepted per client address per minute. */
  BIRTH_LANE_CONSOLE_LOGIN_ATTEMPTS_PER_MIN: z.coerce.number().int().min(1).max(10_000).default(20),
  /** Secure on the console's cookies: `auto` (when the request came over https) or `always`. */
  BIRTH_LANE_CONSOLE_SECURE_COOKIES: z.enum(['auto', 'always']).default('auto'),
  /** Seconds between a login's background readings of the overview's registry counts (a scan). */
  BIRTH_LANE_CONSOLE_OVERVIEW_TTL_S: z.coerce.number().int().min(1).max(3600).default(30),
  /**
   * A demo opt-in: sign-ins on a server that accepts any password (trust authentication), with a
   * banner on every page. Refused otherwise.
   */
  BIRTH_LANE_CONSOLE_ALLOW_TRUST: z.enum(['0', '1']).default('0'),
  /** `birth-lane channel`: the package name or path of a channel module, and its settings as JSON. */
  BIRTH_LANE_CHANNEL_MODULE: z.string().min(1).optional(),
  BIRTH_LANE_CHANNEL_SETTINGS: z.string().min(1).optional(),
});
export type AppConfig = z.output<typeof environmentSchema>;

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): AppConfig {
  const relevant: Record<string, string> = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value === undefined || value === '') continue;
    if (name === 'DATABASE_URL' || name.startsWith('BIRTH_LANE_')) {
      // The test kit's own variables, and the switches CI sets to require tests that would else be
      // skipped (BIRTH_LANE_REQUIRE_PG_CRON, BIRTH_LANE_REQUIRE_CHROMIUM), are not the app's business.
      if (name.startsWith('BIRTH_LANE_TEST_') || name.startsWith('BIRTH_LANE_REQUIRE_')) continue;
      relevant[name] = value;
    }
  }
  return parseOrThrow(environmentSchema, relevant, 'environment');
}
