import { describe, expect, it } from 'vitest';
import { annotateIssues, formatIssues } from './rule-set-issues.js';

describe('annotateIssues', () => {
  const text = JSON.stringify({
    version: '1.0.0',
    stages: { pen: [{ id: 'pen.a' }, { kind: 'pattern' }], stamp: [], gate: [] },
  });

  it('names the check by its id, or by its place when it has none', () => {
    const issues = annotateIssues(text, [
      { field: 'stages.pen.0.pattern', rule: 'portable_regex', message: 'check pen.a: bad' },
      { field: 'stages.pen.1.id', rule: 'required', message: 'missing' },
      { field: 'version', rule: 'semver', message: 'no' },
    ]);
    expect(issues.map((issue) => issue.check)).toEqual(['pen.a', '#1 of pen', null]);
    expect(formatIssues(issues)[0]).toBe('check pen.a (stages.pen.0.pattern): bad (rule: portable_regex)');
  });

  it('copes with text that is not JSON', () => {
    expect(annotateIssues('{', [{ field: '(input)', rule: 'json', message: 'x' }])).toEqual([
      { check: null, stage: null, field: '(input)', rule: 'json', message: 'x' },
    ]);
  });
});
