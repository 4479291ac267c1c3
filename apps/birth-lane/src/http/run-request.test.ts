import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { parseRunRequest } from './run-request.js';

const JSON_TYPE = 'application/json';

function problemsOf(body: string, ...contentType: [string | undefined] | []) {
  try {
    parseRunRequest(body, contentType.length === 0 ? JSON_TYPE : contentType[0]);
  } catch (error) {
    if (ValidationError.isInstance(error)) return error.issues.map(({ field, rule }) => ({ field, rule }));
    throw error;
  }
  throw new Error(`expected ${body} to be refused`);
}

describe('parseRunRequest', () => {
  it('reads an empty body as a run without bounds, whatever the content type', () => {
    expect(parseRunRequest('', undefined)).toEqual({});
    expect(parseRunRequest('  \n', 'text/plain')).toEqual({});
  });

  it('accepts every bound', () => {
    expect(
      parseRunRequest(
        '{"maxRows":10,"batchSize":50000,"idFrom":"1","idTo":"9223372036854775807"}',
        'application/json; charset=utf-8',
      ),
    ).toEqual({ maxRows: 10, batchSize: 50000, idFrom: '1', idTo: '9223372036854775807' });
    expect(parseRunRequest('{"idFrom":"5","idTo":"5"}', JSON_TYPE)).toEqual({ idFrom: '5', idTo: '5' });
  });

  it('refuses a body that is not JSON, or not declared as JSON', () => {
    expect(problemsOf('{"maxRows":')).toEqual([{ field: '(input)', rule: 'json' }]);
    expect(problemsOf('{"maxRows":1}', 'text/plain')).toEqual([
      { field: '(content-type)', rule: 'content_type' },
    ]);
    expect(problemsOf('{"maxRows":1}', undefined)).toEqual([
      { field: '(content-type)', rule: 'content_type' },
    ]);
    expect(problemsOf('[]')).toEqual([{ field: '(input)', rule: 'type' }]);
  });

  it('lists every problem at once, naming field and rule', () => {
    expect(
      problemsOf('{"maxRows":-1,"batchSize":50001,"idFrom":17,"idTo":"01","rows":3}').sort((a, b) =>
        a.field.localeCompare(b.field),
      ),
    ).toEqual([
      { field: '(input)', rule: 'unknown_key' },
      { field: 'batchSize', rule: 'max' },
      { field: 'idFrom', rule: 'type' },
      { field: 'idTo', rule: 'pattern' },
      { field: 'maxRows', rule: 'min' },
    ]);
  });

  it('refuses non-integers, ids past bigint, and a reversed range even beside other problems', () => {
    expect(problemsOf('{"maxRows":1.5}')).toEqual([{ field: 'maxRows', rule: 'type' }]);
    expect(problemsOf('{"idTo":"9223372036854775808"}')).toEqual([{ field: 'idTo', rule: 'max' }]);
    expect(problemsOf('{"idFrom":"10","idTo":"9"}')).toEqual([{ field: 'idFrom', rule: 'order' }]);
    expect(problemsOf('{"idFrom":"10","idTo":"9","maxRows":0}')).toEqual([
      { field: 'maxRows', rule: 'min' },
      { field: 'idFrom', rule: 'order' },
    ]);
  });
});
