import { type Command, InvalidArgumentError } from 'commander';
import type { AppConfig } from '../config.js';
import { errorContext } from '../errors/error-boundary.js';

/** `birth-lane serve`: the http channel (agent API) until SIGTERM/SIGINT. */
export function registerHttpCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'the `http` channel: an agent API (POST /runs, GET /runs/:id, GET /metrics, GET /healthz) until SIGTERM; needs BIRTH_LANE_HTTP_TOKEN',
    )
    .option('--port <n>', 'TCP port to listen on (0 picks a free one)', tcpPort, 8080)
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .action(async (options: { port: number; host: string }) => {
      const { loadConfig } = await import('../config.js');
      errorContext.needs = 'birth_lane_producer';
      process.exitCode = await serveCommand(loadConfig(), options);
    });
}

export async function serveCommand(
  config: AppConfig,
  options: { port: number; host: string },
): Promise<number> {
  const [
    { ValidationError },
    { createProducer },
    { HttpChannel },
    { runUntilSignalled },
    { openDatabase },
    { createLogger },
  ] = await Promise.all([
    import('@birth-lane/contract'),
    import('@birth-lane/inspect-producer'),
    import('../channels/http-channel.js'),
    import('../channels/until-signalled.js'),
    import('../database/open-database.js'),
    import('../logging/logger.js'),
  ]);
  const token = config.BIRTH_LANE_HTTP_TOKEN;
  if (token === undefined) {
    // Refuse before opening any database: an API that starts runs must never stand open.
    throw new ValidationError('environment', [
      {
        field: 'BIRTH_LANE_HTTP_TOKEN',
        rule: 'required',
        message:
          'is required by `birth-lane serve`: set it to a secret of at least 16 characters (e.g. `openssl rand -hex 32`); clients send it as `Authorization: Bearer <token>`',
      },
    ]);
  }
  const log = createLogger(config);
  const database = await openDatabase(config);
  // A standing server outlives database restarts: a dropped idle connection must be logged, not
  // crash the process (pg.Pool emits 'error' and Node throws if nobody listens).
  database.pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  try {
    const runner = createProducer(database.pool, {
      concurrency: config.BIRTH_LANE_CONCURRENCY,
      statementTimeoutMs: config.BIRTH_LANE_STATEMENT_TIMEOUT_MS,
    });
    const channel = new HttpChannel({
      port: options.port,
      host: options.host,
      token,
      db: database.pool,
      log,
    });
    await runUntilSignalled(channel, runner, log);
    return 0;
  } finally {
    await database.close();
  }
}

function tcpPort(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65_535) {
    throw new InvalidArgumentError(`--port must be a whole number from 0 to 65535, got "${value}"`);
  }
  return Number(value);
}
