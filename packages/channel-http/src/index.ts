/**
 * `@birth-lane/channel-http`: the http producer channel (the agent API) on fastify, with
 * Prometheus metrics from prom-client. The command line is in `@birth-lane/channel-http/cli`.
 */
export {
  createHttpChannel,
  type HttpChannel,
  type HttpChannelDependencies,
} from './http-channel.js';
export { buildHttpServer, HTTP_ROUTE_PLUGINS, type HttpServerDependencies } from './http-server.js';
export {
  type HttpChannelSettings,
  type HttpChannelSettingsInput,
  httpChannelSettingsSchema,
} from './http-settings.js';
export { agentApiRoutes } from './routes/agent-api-routes.js';
export { healthRoutes } from './routes/health-routes.js';
export { metricsRoutes } from './routes/metrics-routes.js';
export type { HttpRouteContext, HttpRoutePlugin } from './routes/route-context.js';
export { type RunAdmission, RunDesk } from './run-desk.js';
export { type HttpRun, type HttpRunStatus, RunHistory, runResource } from './run-history.js';
export { RUN_DURATION_BUCKETS_SECONDS, RunMetrics } from './run-metrics.js';
export { type RunRequest, runIdParamsSchema, runRequestSchema } from './run-request.js';
