import { toIssues, ValidationError } from '@birth-lane/contract';
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';

/**
 * Lets routes give zod schemas as `schema.body` / `schema.params`. A failure becomes the contract's
 * ValidationError listing every problem (field, rule, message); fastify marks it with the part it
 * came from (`validationContext`: body, params) and hands it to the error handler.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  return (data) => {
    // reportInput lets the contract's rule names tell a missing field (required) from a wrong type.
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: new ValidationError(`request ${httpPart ?? 'input'}`, toIssues(result.error)) };
  };
};
