import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** util-linux's runuser lives in /usr/sbin, which a non-login PATH may lack. */
const RUNUSER = existsSync('/usr/sbin/runuser') ? '/usr/sbin/runuser' : 'runuser';

/**
 * A throwaway PostgreSQL cluster of the machine's own binaries (Debian's /usr/lib/postgresql/N),
 * for server settings the shared test server must not get (shared_preload_libraries needs a
 * restart). It lives in a temp directory and listens on 127.0.0.1 and a socket there only.
 */
export interface TemporaryCluster {
  readonly port: number;
  readonly socketDir: string;
  /** postgres://postgres@127.0.0.1:port/<database> (trust authentication). */
  url(database: string): string;
  /** The server log so far, for failure messages. */
  log(): string;
  /** Stops the server and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export function postgresBinDir(major: number): string {
  return `/usr/lib/postgresql/${major}/bin`;
}

/**
 * Starts a cluster: initdb, then pg_ctl start with `settings` as `-c name=value`. As root, the
 * server runs as the OS user `postgres` (PostgreSQL refuses to run as root).
 */
export async function startTemporaryCluster(options: {
  major: number;
  settings?: Record<string, string>;
}): Promise<TemporaryCluster> {
  const bin = postgresBinDir(options.major);
  if (!existsSync(join(bin, 'initdb'))) {
    throw new Error(
      `PostgreSQL ${options.major} binaries are missing (${bin}/initdb): apt-get install -y postgresql-${options.major}`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const asServer = (command: string, args: string[]) =>
    asRoot ? run(RUNUSER, ['-u', 'postgres', '--', command, ...args]) : run(command, args);

  const dir = mkdtempSync(join(tmpdir(), `bl-pg${options.major}-`));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    ...options.settings,
  };
  const serverOptions = [`-p ${port}`];
  for (const [name, value] of Object.entries(settings)) {
    // pg_ctl hands -o to a shell: keep values to characters that need no quoting.
    if (!/^[A-Za-z0-9_.,/:-]+$/.test(value)) throw new Error(`unsupported setting value ${name}=${value}`);
    serverOptions.push(`-c ${name}=${value}`);
  }

  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(
        asRoot ? RUNUSER : join(bin, 'pg_ctl'),
        [
          ...(asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl')] : []),
          '-D',
          dataDir,
          '-m',
          'immediate',
          'stop',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies before afterAll must not leave a server behind.
  process.once('exit', stopNow);

  try {
    await asServer(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    await asServer(join(bin, 'pg_ctl'), [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      serverOptions.join(' '),
      'start',
    ]);
  } catch (error) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    stopNow();
    throw new Error(`could not start a PostgreSQL ${options.major} cluster: ${String(error)}\n${log}`);
  }

  return {
    port,
    socketDir: dir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      if (stopped) return;
      await asServer(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
      stopNow();
      process.off('exit', stopNow);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
