import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { bearerTokenMatches } from './bearer-token.js';
import { sendError } from './error-reply.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Answered without the bearer token. Only /healthz is, since load balancers probe it without
     * credentials; a route a plugin adds is guarded unless it says otherwise.
     */
    readonly public?: boolean;
  }
}

/** Answers 401 unless the request carries the token; true when it does. */
export function checkBearerToken(request: FastifyRequest, reply: FastifyReply, token: string): boolean {
  const authorization = request.headers.authorization;
  if (bearerTokenMatches(authorization, token)) return true;
  // RFC 6750: without credentials the challenge names only the realm; with wrong ones, the error.
  reply.header(
    'www-authenticate',
    authorization === undefined
      ? 'Bearer realm="birth-lane"'
      : 'Bearer realm="birth-lane", error="invalid_token"',
  );
  sendError(reply, 401, {
    error: 'unauthorized',
    message: 'Send Authorization: Bearer <BIRTH_LANE_HTTP_TOKEN>.',
  });
  return false;
}

/**
 * The `onRequest` hook on the whole server: it runs before routing is acted on, before the body is
 * read, and for the not-found and method-not-allowed answers too, so a caller without the token
 * learns nothing about which paths exist.
 */
export function bearerTokenHook(token: string): onRequestHookHandler {
  return (request, reply, done) => {
    if (request.routeOptions.config.public === true || checkBearerToken(request, reply, token)) done();
  };
}
