import { parseOrThrow } from '@birth-lane/contract';
import { z } from 'zod';

/**
 * The console's settings (the app reads them from BIRTH_LANE_CONSOLE_* variables). Checked here so
 * a wrong value is refused with the field and the rule before anything listens.
 */
export const consoleSettingsSchema = z.strictObject({
  /** A session ends this long after its last request (idle), and at most 12 hours after login. */
  sessionTtlSeconds: z.number().int().min(60).max(43_200).default(1800),
  /** How many sessions may stand at once; each holds a small pool of its own login's connections. */
  maxSessions: z.number().int().min(1).max(1000).default(50),
  /**
   * How many sessions one login may hold: a further sign-in ends that login's oldest session, so
   * one login cannot fill the store and lock everyone else out.
   */
  maxSessionsPerLogin: z.number().int().min(1).max(100).default(5),
  /** Sign-in attempts (POST /console/login) accepted per client address per minute. */
  loginAttemptsPerMinute: z.number().int().min(1).max(10_000).default(20),
  /**
   * Cookies carry Secure: `auto` when the request itself came over https, `always` whatever the
   * scheme (behind a TLS-terminating proxy, since the server does not trust X-Forwarded-Proto).
   */
  secureCookies: z.enum(['auto', 'always']).default('auto'),
  /**
   * The overview's registry-wide counts scan the registry: they are read in the background, per
   * login, at most once per this interval, never because of a request; pages show the reading's time.
   */
  overviewTtlSeconds: z.number().int().min(1).max(3600).default(30),
  /**
   * A server that lets any password in (trust authentication) makes a password form meaningless:
   * the console refuses every login there unless this is true, and then says so on every page.
   */
  allowTrustAuthentication: z.boolean().default(false),
  /** Rows per page of failure listings. */
  pageSize: z.number().int().min(10).max(1000).default(50),
});
export type ConsoleSettings = z.output<typeof consoleSettingsSchema>;
export type ConsoleSettingsInput = z.input<typeof consoleSettingsSchema>;

export function parseConsoleSettings(input: ConsoleSettingsInput): ConsoleSettings {
  return parseOrThrow(consoleSettingsSchema, input, 'console settings');
}
