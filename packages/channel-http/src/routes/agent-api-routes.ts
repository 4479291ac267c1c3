import { ValidationError } from '@birth-lane/contract';
import type { FastifyError } from 'fastify';
import { sendError } from '../error-reply.js';
import { useRunBodyParsers } from '../run-body-parsers.js';
import { runResource } from '../run-history.js';
import { type RunRequest, runIdParamsSchema, runRequestSchema } from '../run-request.js';
import { zodValidatorCompiler } from '../zod-validator.js';
import type { HttpRoutePlugin } from './route-context.js';

/**
 * The agent API: `POST /runs` starts one producer run in the background and answers 202 with a
 * run resource to poll (`GET /runs/:id`). One run at a time: a POST while a run is in progress
 * gets 409 and the running one's link.
 */
export const agentApiRoutes: HttpRoutePlugin = async (app, { desk, settings }) => {
  app.setValidatorCompiler(zodValidatorCompiler);
  useRunBodyParsers(app);

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    // Fastify marks a validator's error with the part of the request it came from.
    const part = error.validationContext;
    if (ValidationError.isInstance(error) && part === 'params') {
      return sendError(reply, 400, {
        error: 'invalid_id',
        message: 'A run id is a UUID, as returned by POST /runs.',
        problems: error.issues,
      });
    }
    if (ValidationError.isInstance(error)) {
      return sendError(reply, 400, {
        error: 'invalid_body',
        message: 'The body of POST /runs is invalid; every problem is listed.',
        problems: error.issues,
      });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Fastify closes the connection itself: the rest of the body is never read.
      return sendError(reply, 413, {
        error: 'body_too_large',
        message: `The request body must be at most ${settings.maxBodyBytes} bytes.`,
      });
    }
    // Anything else is the server's answer to give (its error handler logs and answers 500).
    throw error;
  });

  app.post<{ Body: RunRequest }>(
    '/runs',
    {
      bodyLimit: settings.maxBodyBytes,
      schema: { body: runRequestSchema },
      // No body at all (no content type, nothing sent) means no bounds, like an empty one.
      preValidation: (request, _reply, done) => {
        if (request.body === undefined) request.body = {};
        done();
      },
    },
    async (request, reply) => {
      const admission = desk.admit(request.body);
      switch (admission.kind) {
        case 'closed':
          return sendError(reply, 503, {
            error: 'stopping',
            message: 'The channel is stopping; no new run starts.',
          });
        case 'busy': {
          const { id } = admission.running;
          return sendError(reply, 409, {
            error: 'run_in_progress',
            message: 'A run is in progress; poll it and retry once it ends.',
            running: { id, links: { self: `/runs/${id}` } },
          });
        }
        case 'accepted': {
          const { run } = admission;
          return reply
            .code(202)
            .header('location', `/runs/${run.id}`)
            .send({ runId: run.id, status: run.status, links: { self: `/runs/${run.id}` } });
        }
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/runs/:id',
    { schema: { params: runIdParamsSchema } },
    async (request, reply) => {
      const run = desk.find(request.params.id);
      if (run) return runResource(run);
      return sendError(reply, 404, {
        error: 'run_not_found',
        message: `No run ${request.params.id} in this process's memory (the last ${settings.keepRuns} are kept); every run report is in the evidence log.`,
      });
    },
  );
};
