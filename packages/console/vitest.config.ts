import { birthLaneVitestConfig } from '@birth-lane/test-kit/vitest-preset';

export default birthLaneVitestConfig();
