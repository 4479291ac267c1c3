import { defineConfig } from 'tsup';

/**
 * The build every publishable package shares: ESM for Node 20 with declarations and source maps.
 * A package names its entries and, rarely, what else differs (e.g. an optional peer kept external).
 *
 * @param {{ entry: string[] } & import('tsup').Options} options
 */
export function packageConfig(options) {
  return defineConfig({
    format: ['esm'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...options,
  });
}
