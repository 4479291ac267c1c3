import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

/** The repository's `./birth-lane`, as a user runs it: it execs node itself (no wrapper process). */
export const BIRTH_LANE = fileURLToPath(new URL('../../../birth-lane', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  /** The signal that ended the process, when one did (code is then null). */
  readonly signal?: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real binary in a child process, as cron or a person would, and waits for it to exit. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<CliResult> {
  return startCli(args, env).exited(options.timeoutMs ?? 60_000);
}

export interface RunningCli {
  readonly child: ChildProcess;
  /** Everything the child printed so far. */
  output(): { readonly stdout: string; readonly stderr: string };
  /** Resolves once `ready` holds for what was printed; rejects (quoting the output) after `timeoutMs` or if the child exits first. */
  waitFor(
    ready: (output: { readonly stdout: string; readonly stderr: string }) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  /** Resolves with the exit; SIGKILL if it has not exited after `timeoutMs`. */
  exited(timeoutMs?: number): Promise<CliResult>;
  /** Sends `signal` (SIGTERM) and resolves with the exit; SIGKILL if it has not exited after `timeoutMs`. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<CliResult>;
}

/** Starts the real CLI as a long-running child (a standing channel), to be stopped with a signal. */
export function startCli(args: readonly string[], env: Record<string, string>): RunningCli {
  const child = spawn(BIRTH_LANE, [...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const output = () => ({ stdout, stderr });
  const exitWithin = async (timeoutMs: number): Promise<CliResult> => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    child,
    output,
    async waitFor(ready, timeoutMs = 30_000) {
      // An exit before `ready` fails at once rather than when the wait times out.
      const exitedFirst = exited.then(() => {
        if (!ready(output())) throw new Error(`the CLI exited before it was ready:\n${stdout}\n${stderr}`);
      });
      exitedFirst.catch(() => undefined); // raced below; a later exit must not be an unhandled rejection
      await Promise.race([
        vi.waitFor(
          () => {
            if (!ready(output()))
              throw new Error(`the CLI was not ready after ${timeoutMs} ms:\n${stdout}\n${stderr}`);
          },
          { timeout: timeoutMs, interval: 50 },
        ),
        exitedFirst,
      ]);
    },
    exited: (timeoutMs = 30_000) => exitWithin(timeoutMs),
    stop({ signal = 'SIGTERM', timeoutMs = 30_000 } = {}) {
      if (!done) child.kill(signal);
      return exitWithin(timeoutMs);
    },
  };
}
