import { defineConfig } from 'tsup';

export default defineConfig({
  // demo-approvers is its own entry so the app's demo can use it without loading vitest (testing/index does).
  entry: ['src/index.ts', 'src/testing/index.ts', 'src/testing/demo-approvers.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['vitest'],
});
