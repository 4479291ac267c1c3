import { birthLaneVitestConfig } from '@birth-lane/test-kit/vitest-preset';
import { mergeConfig } from 'vitest/config';

// Two workers even on a 2-core machine (vitest would pick one), so the test files really run
// side by side against the same server and template, as they do in a larger package.
export default mergeConfig(birthLaneVitestConfig(), { test: { maxWorkers: 2 } });
