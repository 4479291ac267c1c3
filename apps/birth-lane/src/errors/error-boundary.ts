import type { LaneRoleNeed } from '@birth-lane/contract/cli';

/**
 * The app's side of the error boundary (`explainError` in @birth-lane/contract/cli): filled in as
 * a command goes (the role it needs, the login it connected as), so the boundary can name the
 * exact GRANT. One command per process, so one mutable record is enough.
 */
export const errorContext: { needs?: LaneRoleNeed; login?: string } = {};
