import { describe, expect, it } from 'vitest';
import type { FailureOnRecord } from '../reading/failures-on-record.js';
import { failuresCsv, formatFailures } from './format-failures.js';

const failure: FailureOnRecord = {
  evidenceId: '9',
  recordedAt: '2026-12-01T00:00:00.000Z',
  runId: null,
  rowId: '3',
  entityCode: 'ENT-003',
  stage: 'stamp',
  checkId: 'stamp.name.required',
  ruleSetHash: 'a'.repeat(64),
  message: 'name "x", or y\nnext line',
};

describe('failuresCsv', () => {
  it('writes RFC 4180: a header, CRLF lines, fields with a comma, quote or line break quoted, quotes doubled', () => {
    const lines = failuresCsv([failure]).split('\r\n');
    expect(lines[0]).toBe('evidenceId,recordedAt,runId,rowId,entityCode,stage,checkId,ruleSetHash,message');
    expect(failuresCsv([failure])).toContain(',stamp.name.required,');
    expect(failuresCsv([failure])).toContain('"name ""x"", or y\nnext line"\r\n');
    // A null is an empty field, not the text "null".
    expect(lines[1]).toMatch(/^9,2026-12-01T00:00:00\.000Z,,3,/);
  });
});

describe('formatFailures', () => {
  it('says when more are on record than shown, and how to see them', () => {
    expect(formatFailures({ failures: [failure], more: true }, { limit: 1 })).toContain(
      '… more on record: showing the newest 1',
    );
  });

  it('with --run and nothing found, says why a re-run finds nothing new', () => {
    expect(formatFailures({ failures: [], more: false }, { limit: 5, runId: 'r' })).toContain(
      'a failure is recorded once per row, check and rule set',
    );
    expect(formatFailures({ failures: [], more: false }, { limit: 5 })).toBe(
      'no inspection failures on record for this filter',
    );
  });
});
