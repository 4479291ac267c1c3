import type { ChannelDependencies, ChannelLogger, Database } from '@birth-lane/contract';
import fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { isPinoShaped } from './channel-log.js';
import { sendError } from './error-reply.js';
import type { HttpChannelSettings } from './http-settings.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { agentApiRoutes } from './routes/agent-api-routes.js';
import { healthRoutes } from './routes/health-routes.js';
import { metricsRoutes } from './routes/metrics-routes.js';
import type { HttpRouteContext, HttpRoutePlugin } from './routes/route-context.js';
import type { RunDesk } from './run-desk.js';
import type { RunMetrics } from './run-metrics.js';
import { bearerTokenHook, checkBearerToken } from './token-guard.js';

/** The server's own route plugins, in the order they are registered. */
export const HTTP_ROUTE_PLUGINS: readonly HttpRoutePlugin[] = [healthRoutes, agentApiRoutes, metricsRoutes];

/**
 * Node refuses a request head over 16 KiB (its default max header size), so no path segment
 * longer than this reaches the router: every run id, however long, gets the route's own 400.
 */
const MAX_PARAM_LENGTH = 16 * 1024;

export interface HttpServerDependencies extends ChannelDependencies {
  /** For /healthz and the backlog gauge; `withTransaction` needs a pool, not one connection. */
  readonly db: Database;
  readonly desk: RunDesk;
  readonly metrics: RunMetrics;
  /** Route plugins registered after the server's own (an operator console, say), with the same context. */
  readonly plugins?: readonly HttpRoutePlugin[];
}

/**
 * The channel's fastify server, not yet listening: the bearer token on every route but the public
 * ones, the server's route plugins and any added ones, JSON errors for what the framework refuses
 * (404, 405 with Allow, 413), and one log line per request (method, path without the query,
 * status, ms; never a header, so never the token).
 *
 * Logging: a pino logger (the app's) becomes fastify's `loggerInstance`, so fastify's own lines go
 * to the same JSON stream with `channel: "http"`; any other ChannelLogger leaves fastify's logging
 * off (it requires pino's full method set) and the channel logs through the port itself.
 * Fastify's per-request lines are off in both cases: the channel writes its own, in the shape
 * the docs promise.
 */
export async function buildHttpServer(
  settings: HttpChannelSettings,
  dependencies: HttpServerDependencies,
): Promise<FastifyInstance> {
  const log = dependencies.logger;
  const app = fastify({
    ...(isPinoShaped(log) ? { loggerInstance: log } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // Allow lists exactly the methods routed; HEAD is not one of them.
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A path whose percent-encoding does not decode never reaches a route or a hook.
    frameworkErrors: (error, request, reply) => {
      if (!checkBearerToken(request, reply, settings.token)) return;
      sendError(reply, 400, { error: 'invalid_url', message: error.message });
    },
  });
  const wrongMethods = methodNotAllowed(app);

  app.addHook('onRequest', bearerTokenHook(settings.token));
  app.addHook('onRequest', (_request, reply, done) => {
    // While the channel stops, no connection is kept for a next request.
    if (!dependencies.desk.accepting) reply.header('connection', 'close');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    requestLog(log, request.log).info(
      {
        method: request.method,
        // The raw path without the query (which may carry anything).
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'http request',
    );
    done();
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 404, {
      error: 'not_found',
      message: `No route ${request.url.split('?')[0]}; see docs/http.md for POST /runs, GET /runs/:id, /metrics, /healthz.`,
    });
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status < 500) {
      // A request the framework refused (a media type no route parses, say): say so as JSON.
      return sendError(reply, status, { error: errorCode(error), message: error.message });
    }
    log.error({ err: error, method: request.method, path: request.url.split('?')[0] }, 'http request failed');
    return sendError(reply, 500, { error: 'internal_error', message: 'The request failed; see the log.' });
  });

  const context: HttpRouteContext = {
    settings,
    db: dependencies.db,
    log,
    desk: dependencies.desk,
    metrics: dependencies.metrics,
  };
  for (const plugin of [...HTTP_ROUTE_PLUGINS, ...(dependencies.plugins ?? [])]) {
    app.register(plugin, context);
  }
  await app.after();
  wrongMethods.addRoutes();
  return app;
}

/** With pino, the request's own child logger (it carries the request id); otherwise the port. */
function requestLog(log: ChannelLogger, requestLogger: unknown): ChannelLogger {
  return isPinoShaped(log) ? (requestLogger as ChannelLogger) : log;
}

/** `FST_ERR_CTP_INVALID_MEDIA_TYPE` → `invalid_media_type`: stable, and in the API's own style. */
function errorCode(error: FastifyError): string {
  return (error.code ?? 'bad_request').replace(/^FST_ERR_(CTP_)?/, '').toLowerCase();
}
