import type { CommandHost } from '@birth-lane/contract/cli';
import { wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';
import type { HttpRoutePlugin } from '../routes/route-context.js';

export interface HttpCommandOptions {
  readonly port: number;
  readonly host: string;
}

/**
 * `birth-lane serve` (also `birth-lane http`): the http channel (agent API) until SIGTERM/SIGINT.
 * Registering it loads only commander; the channel, fastify and prom-client load when it runs.
 */
export function httpCommand(host: CommandHost): Command {
  return new Command('serve')
    .alias('http')
    .description(
      'the `http` channel: an agent API (POST /runs, GET /runs/:id, GET /metrics, GET /healthz) until SIGTERM; needs BIRTH_LANE_HTTP_TOKEN',
    )
    .option(
      '--port <n>',
      'TCP port to listen on (0 picks a free one)',
      wholeNumberFlag('--port', 0, 65_535),
      8080,
    )
    .option('--host <address>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .action(async (options: HttpCommandOptions) => {
      host.needsRole('birth_lane_producer');
      await serve(host, options);
    });
}

async function serve(host: CommandHost, options: HttpCommandOptions): Promise<void> {
  const [{ parseChannelSettings, ValidationError }, { createHttpChannel, httpChannelSettingsSchema }] =
    await Promise.all([import('@birth-lane/contract'), import('../index.js')]);
  const token = host.settings().httpToken;
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
  const settings = parseChannelSettings('http', httpChannelSettingsSchema, {
    port: options.port,
    host: options.host,
    token,
  });
  const { log } = host.standingOutput({ json: false, bindings: {} });
  const database = await host.openDatabase();
  try {
    const runner = await host.createProducer(database.pool);
    // The app's additions (the operator console): plugins of this server, by the host's word.
    const plugins = ((await host.httpPlugins?.(database, log)) ?? []) as readonly HttpRoutePlugin[];
    const channel = createHttpChannel(settings, { db: database.pool, logger: log, plugins });
    await host.runUntilSignalled(channel, runner, log);
  } finally {
    await database.close();
  }
}
