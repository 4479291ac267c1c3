import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number;
  /** stdout and stderr interleaved, for showing when the command failed. */
  readonly output: string;
  readonly stdout: string;
}

/**
 * Runs a command without a shell and collects its output (shown only when something fails, so a
 * passing run stays one line per step). Never rejects for a non-zero exit; the caller decides.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), output, stdout }));
  });
}

/** Seconds since `started` (a performance.now() value), e.g. `2.4 s`. */
export function secondsSince(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
