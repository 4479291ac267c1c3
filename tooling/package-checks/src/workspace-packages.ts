import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tooling/package-checks/src/workspace-packages.ts). */
export const WORKSPACE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface PublishablePackage {
  readonly name: string;
  readonly version: string;
  /** Absolute path of the package's folder. */
  readonly dir: string;
}

/**
 * Every package under packages/ that would be published: a package.json without `"private": true`.
 * Read afresh on every call, so a package added since (a new channel) is included without editing
 * any list. Sorted by name, so the output reads the same on every run.
 */
export function publishablePackages(root: string = WORKSPACE_ROOT): PublishablePackage[] {
  const packagesDir = join(root, 'packages');
  const found: PublishablePackage[] = [];
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(packagesDir, entry.name);
    let manifest: { name?: unknown; version?: unknown; private?: unknown };
    try {
      manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    } catch (error) {
      // A folder being created right now (no package.json yet) is not a package.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new Error(`${dir}/package.json cannot be read: ${(error as Error).message}`, { cause: error });
    }
    if (manifest.private === true) continue;
    if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string') {
      throw new Error(`${dir}/package.json has no name or version, yet is not private`);
    }
    found.push({ name: manifest.name, version: manifest.version, dir });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
