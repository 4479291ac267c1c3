import { packageConfig } from '@birth-lane/tsup-config';

// `./cli` is its own entry: importing it loads commander and @birth-lane/contract/cli only; the
// commands load the library (and pg-boss, cron-parser) with `await import()` when they run.
export default packageConfig({ entry: ['src/index.ts', 'src/cli/index.ts'], external: ['commander'] });
