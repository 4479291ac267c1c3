import type { AddressInfo } from 'node:net';
import {
  type ChannelDependencies,
  type ChannelFactory,
  type Database,
  type HeartbeatWriter,
  type ProducerChannel,
  type ProducerRunner,
  parseChannelSettings,
  startHeartbeat,
  ValidationError,
} from '@birth-lane/contract';
import type { FastifyInstance } from 'fastify';
import { channelLogger } from './channel-log.js';
import { buildHttpServer } from './http-server.js';
import { type HttpChannelSettingsInput, httpChannelSettingsSchema } from './http-settings.js';
import type { HttpRoutePlugin } from './routes/route-context.js';
import { RunDesk } from './run-desk.js';
import { RunHistory } from './run-history.js';
import { RunMetrics } from './run-metrics.js';

export interface HttpChannelDependencies extends ChannelDependencies {
  /** For the heartbeat, /healthz and the backlog gauge (the runner has its own way to the rows). */
  readonly db: Database;
  /** Route plugins added to the channel's server after its own (e.g. an operator console). */
  readonly plugins?: readonly HttpRoutePlugin[];
}

/** The http channel: a ProducerChannel that also says where it listens. */
export interface HttpChannel extends ProducerChannel {
  readonly name: 'http';
  /** Where the channel listens once started, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
}

type Lifecycle = 'new' | 'starting' | 'standing' | 'stopping' | 'stopped';

/**
 * The `http` channel, an agent API: `POST /runs` starts one producer run in the background and
 * answers 202 with a run resource to poll; `/metrics` serves Prometheus; `/healthz` answers load
 * balancers. Settings are checked here (a ValidationError names each field); nothing listens or
 * writes until `start`.
 */
export const createHttpChannel = ((
  settingsInput: HttpChannelSettingsInput,
  dependencies: HttpChannelDependencies,
): HttpChannel => {
  const settings = parseChannelSettings('http', httpChannelSettingsSchema, settingsInput);
  const log = channelLogger(dependencies.logger);
  const metrics = new RunMetrics();
  let lifecycle: Lifecycle = 'new';
  let server: FastifyInstance | null = null;
  let heartbeat: HeartbeatWriter | null = null;
  let desk: RunDesk | null = null;
  let stopping: Promise<void> | null = null;

  const address = (): string => {
    const bound = server?.server.address() as AddressInfo | null | undefined;
    if (!bound) throw new Error('the http channel is not listening; call start() first');
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    return `http://${host}:${bound.port}`;
  };

  const start = async (runner: ProducerRunner): Promise<void> => {
    if (lifecycle !== 'new') throw new Error(`the http channel cannot start when ${lifecycle}`);
    lifecycle = 'starting';
    heartbeat = startHeartbeat(dependencies.db, 'http', {
      intervalMs: settings.heartbeatIntervalMs,
      beatTimeoutMs: settings.databaseTimeoutMs,
      logger: log,
    });
    desk = new RunDesk({ runner, history: new RunHistory(settings.keepRuns), metrics, heartbeat, log });
    const standDown = async () => {
      lifecycle = 'stopped';
      await heartbeat?.stop();
    };
    // A plugin that fails to load leaves no heartbeat claiming the channel stands.
    const app = await buildHttpServer(settings, {
      db: dependencies.db,
      logger: log,
      desk,
      metrics,
      plugins: dependencies.plugins,
    }).catch(async (error: unknown) => {
      await standDown();
      throw error;
    });
    try {
      await app.listen({ port: settings.port, host: settings.host });
    } catch (error) {
      await app.close().catch(() => undefined);
      await standDown();
      throw new ValidationError(
        '--host/--port',
        [
          {
            field: '--port',
            rule: 'listen',
            message: `cannot listen on ${settings.host}:${settings.port}: ${(error as Error).message}`,
          },
        ],
        { cause: error },
      );
    }
    server = app;
    lifecycle = 'standing';
    log.info({ url: address() }, 'http channel listening');
  };

  /**
   * Stops admitting runs and aborts the one in flight (it ends after its batch, as `stopped`),
   * waits for it while still answering (503 from /healthz and POST /runs), then stops accepting
   * connections, gives busy ones `closeGraceMs` before cutting them, and records `stopped` last.
   */
  const stop = (): Promise<void> => {
    // A second stop waits for the first; stopping a channel that never stood does nothing.
    if (stopping) return stopping;
    if (lifecycle !== 'standing') return Promise.resolve();
    lifecycle = 'stopping';
    stopping = stopGracefully();
    return stopping;
  };

  const stopGracefully = async (): Promise<void> => {
    const drained = desk!.close();
    await heartbeat!.set('stopping');
    await drained;
    const app = server!;
    const cut = setTimeout(() => app.server.closeAllConnections(), settings.closeGraceMs);
    await app.close();
    clearTimeout(cut);
    await heartbeat!.stop();
    lifecycle = 'stopped';
  };

  return {
    specificationVersion: 'v1',
    name: 'http',
    get url() {
      return address();
    },
    start,
    stop,
  };
}) satisfies ChannelFactory<HttpChannelSettingsInput, HttpChannelDependencies>;
