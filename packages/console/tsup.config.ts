import { packageConfig } from '@birth-lane/tsup-config';

export default packageConfig({ entry: ['src/index.ts'] });
