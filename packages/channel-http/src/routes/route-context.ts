import type { ChannelLogger, Database } from '@birth-lane/contract';
import type { FastifyPluginAsync } from 'fastify';
import type { HttpChannelSettings } from '../http-settings.js';
import type { RunDesk } from '../run-desk.js';
import type { RunMetrics } from '../run-metrics.js';

/** What every route plugin of the server is given: the channel's settings and its live parts. */
export interface HttpRouteContext {
  readonly settings: HttpChannelSettings;
  readonly db: Database;
  /** Lines carry `channel: "http"`. */
  readonly log: ChannelLogger;
  readonly desk: RunDesk;
  readonly metrics: RunMetrics;
}

/**
 * A route plugin of the channel's server (the agent API, /metrics, /healthz, and later ones such as
 * an operator console). Its routes sit behind the bearer token unless a route's config says
 * `public: true`, and a wrong method on one of its paths answers 405 with `Allow`.
 */
export type HttpRoutePlugin = FastifyPluginAsync<HttpRouteContext>;
