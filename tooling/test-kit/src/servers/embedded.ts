import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isSpawnAccessError,
  loadEmbeddedPostgres,
  postgresUserAccessProblem,
} from '@birth-lane/embedded-postgres';
import { freePort } from './free-port.js';
import type { RunningServer } from './running-server.js';
import { onAbnormalExit } from './stop-on-exit.js';
import { TEST_SERVER_FLAGS } from './test-server-flags.js';

const USER = 'postgres';
const PASSWORD = 'postgres';
// TCP on loopback only; no Unix socket, which nothing here needs and which would be one more
// file in a shared directory.
const SETTINGS = [...TEST_SERVER_FLAGS, 'listen_addresses=127.0.0.1', 'unix_socket_directories='];

/**
 * PostgreSQL 17 from the binaries the embedded-postgres package ships: a new cluster in a fresh
 * temp directory on a free port, removed again in stop().
 */
export async function startEmbedded(): Promise<RunningServer> {
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the OS user "postgres"
  // (creating it if missing), so that user must be able to reach the data directory.
  const runsAsRoot = process.getuid?.() === 0;
  const problem = await postgresUserAccessProblem(
    [],
    'Or run the tests against a server you have: set DATABASE_URL (or BIRTH_LANE_TEST_DATABASE_URL).',
  );
  if (problem) throw new Error(`[test-kit] ${problem}`);
  const root = await mkdtemp(join(tmpdir(), 'birth-lane-test-kit-'));
  if (runsAsRoot) await chmod(root, 0o755);
  const dataDir = join(root, 'data');
  const port = await freePort();

  // Server output is only interesting when the start fails, so keep the tail and stay quiet.
  const output: string[] = [];
  const keep = (message: unknown) => {
    output.push(String(message));
    if (output.length > 100) output.shift();
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: runsAsRoot,
    // --no-sync: a test cluster need not survive a power cut, and initdb's fsync is slow.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
    postgresFlags: SETTINGS.flatMap((setting) => ['-c', setting]),
    onLog: keep,
    onError: keep,
  });

  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    const reason = error instanceof Error ? error.message : 'the server exited during start';
    const hint = isSpawnAccessError(error)
      ? '\nThe OS user "postgres" could not run or reach a file it needs (a clone under /root?): move the ' +
        'clone to a folder others can enter, set TMPDIR to one, or set DATABASE_URL to a server you have.'
      : '';
    throw new Error(`[test-kit] embedded-postgres failed: ${reason}${hint}\n${output.join('')}`, {
      cause: error,
    });
  }

  const postmasterPid = readPostmasterPid(dataDir);
  const removeExitHooks = onAbnormalExit(() => abort(postmasterPid, root));
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    source: `embedded-postgres (port ${port})`,
    async stop() {
      removeExitHooks();
      // embedded-postgres waits for the server's 'exit' event, which never comes again if the
      // server already died during the run; then there is nothing to stop.
      if (isRunning(postmasterPid)) await server.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** The first line of postmaster.pid is the server's process id. */
function readPostmasterPid(dataDir: string): number {
  const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
  if (!Number.isInteger(pid)) throw new Error(`[test-kit] no server pid in ${dataDir}/postmaster.pid`);
  return pid;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Synchronous stop for an interrupted run: ask the server for a fast shutdown, and leave the
 * removal of the data directory to a detached shell that waits for the server to be gone
 * (removing it under a running server would race its shutdown checkpoint).
 */
function abort(postmasterPid: number, root: string): void {
  try {
    process.kill(postmasterPid, 'SIGINT');
  } catch {
    // Already gone.
  }
  const cleanup = spawn(
    'sh',
    ['-c', 'while kill -0 "$0" 2>/dev/null; do sleep 0.1; done; rm -rf "$1"', String(postmasterPid), root],
    { detached: true, stdio: 'ignore' },
  );
  cleanup.on('error', () => undefined);
  cleanup.unref();
}
