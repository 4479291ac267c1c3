#!/usr/bin/env node
// The LEGO rule, checked in CI: a block, channel or example package may depend (dependencies,
// peerDependencies, optionalDependencies) on no workspace package but @birth-lane/contract, and the
// contract on none. devDependencies are free: tests may install other blocks' steps.
// Prints one line per breach and exits 1, or one summary line and exits 0.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CONTRACT = '@birth-lane/contract';
const root = new URL('../..', import.meta.url).pathname;
const manifests = (folder) =>
  existsSync(join(root, folder))
    ? readdirSync(join(root, folder))
        .map((name) => join(root, folder, name, 'package.json'))
        .filter((path) => existsSync(path))
        .map((path) => ({ path: path.slice(root.length), pkg: JSON.parse(readFileSync(path, 'utf8')) }))
    : [];

const all = ['packages', 'apps', 'tooling', 'examples'].flatMap(manifests);
const workspaceNames = new Set(all.map(({ pkg }) => pkg.name));
const bounded = ['packages', 'examples'].flatMap(manifests);
const breaches = [];
for (const { path, pkg } of bounded) {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dependency of Object.keys(pkg[field] ?? {})) {
      if (!workspaceNames.has(dependency)) continue;
      if (pkg.name === CONTRACT || dependency !== CONTRACT) {
        breaches.push(
          `${path}: ${pkg.name} -> ${dependency} (${field}); a block may depend only on ${CONTRACT}`,
        );
      }
    }
  }
}
for (const line of breaches) console.error(`boundary: ${line}`);
if (breaches.length > 0) process.exit(1);
console.log(`boundary: ${bounded.length} packages depend on no workspace package but ${CONTRACT}`);
