// Plain JavaScript on purpose: a package's vitest.config.ts imports this file, and Vite's
// default config loader hands imports of packages to Node as they are. Node 20 cannot load
// TypeScript, so a .ts preset would fail with ERR_UNKNOWN_FILE_EXTENSION. Types: vitest-preset.d.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The export condition under which workspace packages point at their TypeScript source. */
const SOURCE_CONDITION = '@birth-lane/source';

/**
 * The shared vitest config of birth-lane packages: `export default birthLaneVitestConfig()`.
 * @param {import('./vitest-preset.js').BirthLaneVitestOptions} [options]
 */
export function birthLaneVitestConfig(options = {}) {
  const database = options.database ?? options.integration ?? true;
  return defineConfig({
    // Vitest runs Node tests through Vite's "ssr" environment, so ssr.resolve.conditions is the
    // one that matters; vitest also passes it to the workers as `node --conditions`, which covers
    // modules Node loads itself. resolve.conditions covers browser-like environments. Vitest
    // appends its own defaults (node, development|production) to these lists; Vite's
    // defaultServerConditions would add "module", which vitest deliberately leaves out.
    resolve: { conditions: [SOURCE_CONDITION] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION] } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      globalSetup: database ? [fileURLToPath(new URL('./global-setup.ts', import.meta.url))] : [],
      testTimeout: options.testTimeout ?? 30_000,
      // Building a template and cloning it happens in hooks, and the first run may also start a
      // server or pull an image.
      hookTimeout: 120_000,
      // Child processes rather than threads: each worker has its own process, sockets and
      // globals, as the code has in production, and a crashed worker cannot take others down.
      pool: 'forks',
    },
  });
}
