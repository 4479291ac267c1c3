import { packageConfig } from '@birth-lane/tsup-config';

// Both entries at the top of src/, so every built file (and chunk) sits directly in dist/ and the
// steps find ../sql/ from there as from src/.
export default packageConfig({ entry: ['src/index.ts', 'src/cli.ts'] });
