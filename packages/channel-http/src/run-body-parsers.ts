import { ValidationError, type ValidationIssue } from '@birth-lane/contract';
import type { FastifyInstance } from 'fastify';

/**
 * application/json and the structured-syntax `+json` types (application/merge-patch+json), with
 * or without parameters: many clients send `application/json; charset=utf-8`. Fastify matches a
 * RegExp against the whole header, parameters included.
 */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;.*)?$/i;

function refused(issue: ValidationIssue): ValidationError {
  return new ValidationError('request body', [issue]);
}

/**
 * The body parsers of the agent API's scope (a plugin added beside it keeps fastify's defaults).
 * An empty body means "no bounds" whatever its type; a non-empty one must be JSON. A refusal is a
 * ValidationError, answered 400 with the problem like any other. A body past the route's
 * `bodyLimit` never reaches a parser: fastify answers 413 from its content-length, or as soon as
 * it grows past the limit.
 */
export function useRunBodyParsers(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    parseJson(request, text, (error, value) => {
      if (!error) return done(null, value);
      done(
        refused({
          field: '(input)',
          rule: 'json',
          message: `is not valid JSON: ${jsonProblem(text)}`,
        }),
      );
    });
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    if (String(body).trim() === '') return done(null, {});
    const contentType = request.headers['content-type'];
    done(
      refused({
        field: '(content-type)',
        rule: 'content_type',
        message: `must be application/json, got ${contentType === undefined ? 'none' : JSON.stringify(contentType)}`,
      }),
    );
  });
}

/** What is wrong with text fastify's parser refused: JSON.parse's own words, or the poisoning. */
function jsonProblem(text: string): string {
  try {
    JSON.parse(text);
    return 'it sets __proto__ or constructor.prototype, which is refused';
  } catch (error) {
    return (error as Error).message;
  }
}
