import type { FastifyInstance, HTTPMethods } from 'fastify';
import { sendError } from './error-reply.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the routes this module adds, so they are not counted as the path's own methods. */
    readonly methodNotAllowed?: boolean;
  }
}

/** The methods a wrong-method answer covers (fastify's standard ones; HEAD is not exposed for GET). */
const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const;

interface KnownPath {
  readonly methods: Set<string>;
  public: boolean;
}

/**
 * Fastify answers a known path asked with a method it has no route for as "not found"; HTTP says
 * 405 with an `Allow` header naming the methods there are. Call before any route is registered
 * (it listens with an `onRoute` hook); once every plugin is loaded, `addRoutes()` gives each known
 * path a route for the other methods. Those routes answer in `onRequest`, after the token check
 * (a public path's stays public) and before any body is read.
 */
export function methodNotAllowed(app: FastifyInstance): { addRoutes(): void } {
  const known = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => {
    if (route.config?.methodNotAllowed === true) return;
    const path = known.get(route.url) ?? { methods: new Set<string>(), public: false };
    for (const method of [route.method].flat()) path.methods.add(method);
    path.public ||= route.config?.public === true;
    known.set(route.url, path);
  });
  return {
    addRoutes() {
      for (const [url, path] of known) {
        const others: HTTPMethods[] = METHODS.filter((method) => !path.methods.has(method));
        if (others.length === 0) continue;
        const allow = [...path.methods].join(', ');
        app.route({
          method: others,
          url,
          config: { methodNotAllowed: true, public: path.public },
          onRequest: (_request, reply) => {
            sendError(reply.header('allow', allow), 405, {
              error: 'method_not_allowed',
              message: `Use ${allow} here.`,
            });
          },
          handler: async () => {
            throw new Error('unreachable: the onRequest hook answers');
          },
        });
      }
    },
  };
}
