import { packageConfig } from '@birth-lane/tsup-config';

export default packageConfig({
  // ./cli is its own entry so a command line loads commander and the contract's cli only; its
  // action imports the library (and pg) when it runs.
  entry: ['src/index.ts', 'src/cli.ts'],
  external: ['commander'],
});
