import { ValidationError, type ValidationIssue } from '@birth-lane/contract';
import { INSPECT_RULES, type InspectRule, type StampCondition } from './inspect-rules.js';

/** SQL text of the three stamp expressions, e.g. `r.inspect_pen` or `$1::timestamptz`. */
export interface StampExpressions {
  readonly pen: string;
  readonly stamp: string;
  readonly gate: string;
}

/**
 * A SQL `case` expression giving the inspect state (`none`, `partial`, `complete`, `ambiguous`) of
 * three timestamptz expressions, built from the same rule table as `classifyStamps`. Use it inside
 * any query, e.g. `select id, ${inspectStateSql('r.inspect_pen', 'r.inspect_stamp', 'r.inspect_gate')} as state`.
 * The arguments are SQL text (column references, casts of parameters), never values.
 */
export function inspectStateSql(penExpr: string, stampExpr: string, gateExpr: string): string {
  return renderCase(checkedExpressions(penExpr, stampExpr, gateExpr), (rule) => rule.state);
}

/** Like `inspectStateSql`, giving the stable reason code (`pen_only`, `gate_without_stamp`, …). */
export function inspectReasonSql(penExpr: string, stampExpr: string, gateExpr: string): string {
  return renderCase(checkedExpressions(penExpr, stampExpr, gateExpr), (rule) => rule.reason);
}

function renderCase(expressions: StampExpressions, label: (rule: InspectRule) => string): string {
  const operand = {
    pen: operandOf(expressions.pen),
    stamp: operandOf(expressions.stamp),
    gate: operandOf(expressions.gate),
  };
  const branches = INSPECT_RULES.map((rule) => {
    const condition = rule.when.map((part) => conditionSql(part, operand)).join(' and ');
    return `  when ${condition} then '${label(rule)}'`;
  });
  // No `else`: the rules are total, and a NULL result would expose a hole instead of hiding it.
  return ['case', ...branches, 'end'].join('\n');
}

function conditionSql(condition: StampCondition, operand: StampExpressions): string {
  switch (condition.kind) {
    case 'set':
      return `${operand[condition.slot]} is not null`;
    case 'unset':
      return `${operand[condition.slot]} is null`;
    case 'before':
      return `${operand[condition.slot]} < ${operand[condition.than]}`;
    case 'not_before':
      return `${operand[condition.slot]} >= ${operand[condition.than]}`;
  }
}

// A bare (possibly qualified) identifier or a parameter needs no parentheses; anything else gets
// them, so `a + b is null` can never be parsed as `a + (b is null)`.
const BARE_OPERAND = /^(?:[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)*|\$[0-9]+(?:::timestamptz)?)$/i;

function operandOf(expression: string): string {
  const trimmed = expression.trim();
  return BARE_OPERAND.test(trimmed) ? trimmed : `(${trimmed})`;
}

function checkedExpressions(pen: unknown, stamp: unknown, gate: unknown): StampExpressions {
  const issues: ValidationIssue[] = [];
  const check = (field: string, value: unknown): string => {
    if (typeof value !== 'string' || value.trim().length === 0) {
      issues.push({
        field,
        rule: 'required',
        message: 'must be a non-empty SQL expression of type timestamptz',
      });
      return '';
    }
    // One expression, not a statement: a semicolon or a comment means text is being spliced that
    // should not be (a `--` would also swallow the rest of the rendered line).
    if (value.includes(';') || value.includes('--') || value.includes('/*')) {
      issues.push({
        field,
        rule: 'single_expression',
        message: 'must be one SQL expression, without ";" or comments',
      });
    }
    return value;
  };
  const expressions = {
    pen: check('penExpr', pen),
    stamp: check('stampExpr', stamp),
    gate: check('gateExpr', gate),
  };
  if (issues.length > 0) throw new ValidationError('inspect SQL expression', issues);
  return expressions;
}
