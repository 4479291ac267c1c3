import { withDeadline } from '@birth-lane/contract';
import type { HttpRoutePlugin } from './route-context.js';

/**
 * `GET /healthz`, without the token: load balancers and orchestrators probe it without
 * credentials, and it tells nothing but "up, and the database answers". While the channel stops it
 * answers 503, so a load balancer sees the stop before connections are refused.
 */
export const healthRoutes: HttpRoutePlugin = async (app, { db, desk, settings }) => {
  app.get('/healthz', { config: { public: true } }, async (_request, reply) => {
    if (!desk.accepting) return reply.code(503).send({ status: 'stopping', database: 'unknown' });
    try {
      await withDeadline(db.query('select 1'), settings.databaseTimeoutMs, 'the database');
      return { status: 'ok', database: 'ok' };
    } catch (error) {
      return reply
        .code(503)
        .send({ status: 'unavailable', database: 'unreachable', message: (error as Error).message });
    }
  });
};
