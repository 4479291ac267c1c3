/**
 * The shape of a pg_cron schedule: five cron fields, a macro such as '@hourly', or 'N seconds'
 * (1 to 59, pg_cron 1.5 and later). Only the shape is judged here; pg_cron's own parser has the
 * last word at install. Free of zod so the command line can check its flag without the library.
 */

const SECONDS_SCHEDULE = /^([1-9]|[1-5][0-9]) seconds$/;
const CRON_FIELD = /^[0-9A-Za-z*,/$-]+$/;
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@reboot'];

export const SCHEDULE_RULE_MESSAGE =
  "must be five cron fields (e.g. '*/1 * * * *'), a macro such as '@hourly', or '1 seconds' to '59 seconds'";

/** Runs of white space as one space, trimmed: how the schedule is stored and compared. */
export function normaliseSchedule(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/** True for pg_cron's sub-minute interval form ('1 seconds' to '59 seconds'), which needs pg_cron 1.5. */
export function isSecondsSchedule(schedule: string): boolean {
  return SECONDS_SCHEDULE.test(schedule);
}

/** True when the (normalised) schedule has a shape pg_cron accepts. */
export function isScheduleShape(schedule: string): boolean {
  const fields = schedule.split(' ');
  return (
    isSecondsSchedule(schedule) ||
    CRON_MACROS.includes(schedule) ||
    (fields.length === 5 && fields.every((field) => CRON_FIELD.test(field)))
  );
}
