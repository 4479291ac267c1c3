import { packageConfig } from '@birth-lane/tsup-config';

export default packageConfig({
  // demo-approvers is its own entry so the app's demo can use it without loading vitest (testing/index does).
  entry: ['src/index.ts', 'src/cli/index.ts', 'src/testing/index.ts', 'src/testing/demo-approvers.ts'],
  external: ['vitest', 'commander'],
});
