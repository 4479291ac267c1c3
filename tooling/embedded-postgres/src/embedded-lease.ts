import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Who is using the embedded database: one file per command process in `<data>/users/<pid>`. The
 * server stops when the last user ends (unless `birth-lane db start` asked it to stay up); a
 * user whose process is gone (killed with SIGKILL) no longer counts.
 */
let held: string | null = null;

export function usersDir(dataRoot: string): string {
  return resolve(dataRoot, 'users');
}

export function takeEmbeddedLease(dataRoot: string): void {
  const dir = usersDir(dataRoot);
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, String(process.pid));
  writeFileSync(file, `${new Date().toISOString()} ${process.argv.slice(2).join(' ')}\n`);
  held = file;
}

/** Gives this process's lease back; synchronous, so it also runs on a forced exit. */
export function releaseEmbeddedLeaseSync(): void {
  if (held === null) return;
  try {
    unlinkSync(held);
  } catch {
    // already gone
  }
  held = null;
}

/** The live processes (other than this one) holding a lease; stale leases are removed. */
export function otherUsers(dataRoot: string): number[] {
  const dir = usersDir(dataRoot);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    if (isAlive(pid)) live.push(pid);
    else {
      try {
        unlinkSync(resolve(dir, name));
      } catch {
        // another process pruned it first
      }
    }
  }
  return live;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user (PostgreSQL runs as `postgres` under root).
    return (error as { code?: string }).code === 'EPERM';
  }
}
