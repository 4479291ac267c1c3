import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { INSPECT_RULES } from './inspect-rules.js';
import { inspectReasonSql, inspectStateSql } from './inspect-sql.js';
import { renderInspectStudSql } from './inspect-stud-sql.js';

describe('inspectStateSql / inspectReasonSql', () => {
  it('renders one branch per rule, in rule order, with no else', () => {
    const sql = inspectReasonSql('r.inspect_pen', 'r.inspect_stamp', 'r.inspect_gate');
    const labels = [...sql.matchAll(/then '([a-z_]+)'/g)].map((match) => match[1]);
    expect(labels).toEqual(INSPECT_RULES.map((rule) => rule.reason));
    expect(sql).not.toMatch(/\belse\b/);
    expect(sql).toContain(
      "when r.inspect_pen is not null and r.inspect_stamp is not null and r.inspect_stamp < r.inspect_pen then 'stamp_before_pen'",
    );
  });

  it('labels the state branches with states', () => {
    const sql = inspectStateSql('$1::timestamptz', '$2::timestamptz', '$3::timestamptz');
    expect([...sql.matchAll(/then '([a-z_]+)'/g)].map((match) => match[1])).toEqual(
      INSPECT_RULES.map((rule) => rule.state),
    );
    expect(sql).toContain('$1::timestamptz is null');
  });

  it('parenthesises anything but a bare column or parameter', () => {
    const sql = inspectStateSql("coalesce(a, 'infinity')", 'b', 'c');
    expect(sql).toContain("(coalesce(a, 'infinity')) is null");
    expect(sql).toContain('b is null');
  });

  it.each([
    ['an empty expression', ['', 'b', 'c'], 'penExpr', 'required'],
    ['a non-string', ['a', 42, 'c'], 'stampExpr', 'required'],
    [
      'a second statement',
      ['a', 'b', 'c; drop table public.birth_registry'],
      'gateExpr',
      'single_expression',
    ],
    ['a comment', ['a -- x', 'b', 'c'], 'penExpr', 'single_expression'],
  ])('refuses %s, naming the argument', (_label, args, field, rule) => {
    const [pen, stamp, gate] = args as [string, string, string];
    try {
      inspectStateSql(pen, stamp, gate);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues).toEqual([expect.objectContaining({ field, rule })]);
    }
  });
});

describe('sql/0001_inspect_stud.sql', () => {
  // The file is generated from the rule table; this fails when either was edited without the other.
  // After changing the rules, run `vitest run -u` to regenerate the file.
  it('is exactly what the rule table renders', async () => {
    await expect(renderInspectStudSql()).toMatchFileSnapshot('../sql/0001_inspect_stud.sql');
  });
});
