import cronParser from 'cron-parser';

/** The shorthands pg-boss's cron parser understands besides five fields. */
const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']);

/**
 * Why a cron expression cannot drive the schedule channel, or null when it can. The parser is
 * the one pg-boss itself uses (cron-parser 4), so what passes here is what pg-boss will fire.
 * Stricter than that parser on purpose: it fills in missing fields and accepts a seconds field,
 * but pg-boss fires a schedule at most once a minute, so "every 10 seconds" would silently mean
 * "every minute". Exactly five fields (or a macro such as @hourly) are accepted.
 */
export function cronExpressionIssue(expression: string, timeZone = 'UTC'): string | null {
  const trimmed = expression.trim();
  if (trimmed === '') return 'must not be empty; use five fields such as "*/5 * * * *"';
  const timeZoneProblem = timeZoneIssue(timeZone);
  if (timeZoneProblem) return `cannot be checked: the time zone ${timeZoneProblem}`;
  const fields = trimmed.split(/\s+/);
  if (fields.length === 1 && trimmed.startsWith('@')) {
    if (!MACROS.has(trimmed)) {
      return `has an unknown shorthand ${trimmed}; use one of ${[...MACROS].join(', ')} or five fields`;
    }
  } else if (fields.length === 6) {
    return 'has 6 fields, but pg-boss fires a schedule at most once a minute (no seconds field); use five fields: minute hour day-of-month month day-of-week';
  } else if (fields.length !== 5) {
    return `must have five fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  try {
    cronParser.parseExpression(trimmed, { tz: timeZone }).next();
  } catch (error) {
    return `is not valid: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/** Why a time zone name is unusable, or null: Intl knows exactly the IANA zones the parser can use. */
export function timeZoneIssue(timeZone: string): string | null {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return null;
  } catch {
    return `"${timeZone}" is not an IANA time zone such as UTC or Europe/Berlin`;
  }
}
