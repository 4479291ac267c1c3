import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerChild {
  readonly child: ChildProcess;
  /** Resolves when the process ends, with how (code or signal) and what it printed. */
  readonly exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
  /** Batches it reported committed so far. */
  batches(): number;
}

/** Starts a worker process on `runId` as the login in `url` (node + tsx, the block read from src/). */
export function spawnWorker(url: string, runId: string, batchSize: number, pauseMs = 0): WorkerChild {
  const child = spawn(process.execPath, ['--conditions=@birth-lane/source', '--import', 'tsx', WORKER], {
    env: {
      ...process.env,
      WORKER_URL: url,
      RUN_ID: runId,
      BATCH_SIZE: String(batchSize),
      PAUSE_MS: String(pauseMs),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited, batches: () => (stderr.match(/^batch /gm) ?? []).length };
}
