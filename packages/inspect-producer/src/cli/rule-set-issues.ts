import { INSPECT_STAGES, type ValidationIssue } from '@birth-lane/contract';

/** One problem of a rule-set file, with the check it is in (when it is in one). */
export interface RuleSetIssue {
  /** The check's id as written in the file, or null for problems outside any check. */
  readonly check: string | null;
  readonly stage: string | null;
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/**
 * Names the check each validation issue is about: `stages.pen.1.pattern` becomes check
 * `pen.entity_code.shape` (its id in the file, or `#1 of pen` when the id itself is missing).
 */
export function annotateIssues(text: string, issues: readonly ValidationIssue[]): RuleSetIssue[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = null;
  }
  return issues.map((issue) => {
    const match = /^stages\.([a-z]+)\.([0-9]+)(?:\.|$)/.exec(issue.field);
    if (!match || !(INSPECT_STAGES as readonly string[]).includes(match[1]!)) {
      return { check: null, stage: null, field: issue.field, rule: issue.rule, message: issue.message };
    }
    const [, stage, index] = match as unknown as [string, string, string];
    const id = checkIdAt(document, stage, Number(index));
    const check = id ?? `#${index} of ${stage}`;
    // Some messages already start by naming the check; it is named once, in front.
    const message = issue.message.startsWith(`check ${check}: `)
      ? issue.message.slice(`check ${check}: `.length)
      : issue.message;
    return { check, stage, field: issue.field, rule: issue.rule, message };
  });
}

function checkIdAt(document: unknown, stage: string, index: number): string | null {
  const stages = (document as { stages?: Record<string, unknown> } | null)?.stages;
  const checks = stages?.[stage];
  if (!Array.isArray(checks)) return null;
  const id = (checks[index] as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

/** One line per issue: `check pen.x (stages.pen.0.pattern): … (rule: portable_regex)`. */
export function formatIssues(issues: readonly RuleSetIssue[]): string[] {
  return issues.map(
    (issue) =>
      `${issue.check === null ? '' : `check ${issue.check} `}(${issue.field}): ${issue.message} (rule: ${issue.rule})`,
  );
}
