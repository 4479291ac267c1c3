import type { ChannelLogger } from '@birth-lane/contract';
import type { HostDatabase } from '@birth-lane/contract/cli';
import type { AppConfig } from '../config.js';

/**
 * What `birth-lane serve` adds to the HTTP channel's server: the operator console, unless
 * BIRTH_LANE_CONSOLE=0. Loaded when serve runs, never for --help.
 */
export async function consolePlugins(
  config: AppConfig,
  database: HostDatabase,
  log: ChannelLogger,
): Promise<readonly unknown[]> {
  if (config.BIRTH_LANE_CONSOLE === '0') return [];
  const [{ consoleRoutes }, { loginOpener }, { consoleOverview, consoleBacklogPasses }] = await Promise.all([
    import('@birth-lane/console'),
    import('./login-opener.js'),
    import('./console-overview.js'),
  ]);
  return [
    consoleRoutes(
      {
        sessionTtlSeconds: config.BIRTH_LANE_CONSOLE_SESSION_TTL_S,
        maxSessions: config.BIRTH_LANE_CONSOLE_MAX_SESSIONS,
        maxSessionsPerLogin: config.BIRTH_LANE_CONSOLE_MAX_SESSIONS_PER_LOGIN,
        loginAttemptsPerMinute: config.BIRTH_LANE_CONSOLE_LOGIN_ATTEMPTS_PER_MIN,
        secureCookies: config.BIRTH_LANE_CONSOLE_SECURE_COOKIES,
        overviewTtlSeconds: config.BIRTH_LANE_CONSOLE_OVERVIEW_TTL_S,
        allowTrustAuthentication: config.BIRTH_LANE_CONSOLE_ALLOW_TRUST === '1',
      },
      {
        logins: loginOpener({
          url: database.url,
          sessionOptions: database.sessionOptions,
          statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
        }),
        readers: { overview: consoleOverview, backlogPasses: consoleBacklogPasses },
        log,
      },
    ),
  ];
}
