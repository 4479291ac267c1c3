/** The error a missed deadline rejects with; its message names what was awaited and the limit. */
export class DeadlineError extends Error {
  readonly what: string;
  readonly ms: number;

  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
    this.what = what;
    this.ms = ms;
  }
}

/**
 * Resolves or rejects as `work` does, or rejects with a DeadlineError after `ms`. The work itself
 * is not cancelled (a promise cannot be); callers use this so a hung database call cannot hold a
 * shutdown or a health check forever. The timer never keeps the process alive.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
