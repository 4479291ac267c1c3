import { withDeadline } from '@birth-lane/contract';
import { countBacklog } from '../sql/count-backlog.js';
import type { HttpRoutePlugin } from './route-context.js';

/** `GET /metrics`: the channel's prom-client registry in the Prometheus text format. */
export const metricsRoutes: HttpRoutePlugin = async (app, { db, log, metrics, settings }) => {
  app.get('/metrics', async (_request, reply) => {
    let backlog: number | null = null;
    try {
      // The statement_timeout cancels a slow count on the server; the deadline answers the scrape
      // even when the connection itself hangs.
      backlog = await withDeadline(
        countBacklog(db, settings.databaseTimeoutMs),
        settings.databaseTimeoutMs,
        'the backlog count',
      );
    } catch (error) {
      log.warn({ err: error }, 'could not read the backlog for /metrics');
    }
    const text = await metrics.render(backlog);
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(text);
  });
};
