import { fileURLToPath } from 'node:url';
import { modulesLoadedBy } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('@birth-lane/no-touch-prover/cli', () => {
  it('loads only commander, @birth-lane/contract/cli and its own command definition when imported', async () => {
    const [contractCli, proverCli] = await Promise.all([
      modulesLoadedBy('@birth-lane/contract/cli', { cwd: packageDir }),
      modulesLoadedBy('@birth-lane/no-touch-prover/cli', { cwd: packageDir }),
    ]);
    const own = new URL('../src/cli/', import.meta.url).href;
    const beyond = proverCli.filter((url) => !contractCli.includes(url) && !url.startsWith(own));
    expect(beyond).toEqual([]);
    // The block (snapshot, compare) loads only when a command runs.
    expect(proverCli.filter((url) => url.endsWith('-actions.ts'))).toEqual([]);
  });
});
