import { fileURLToPath } from 'node:url';
import { modulesLoadedBy } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('@birth-lane/staging-surface/cli', () => {
  it('loads only commander, @birth-lane/contract/cli and its own command definitions when imported', async () => {
    const [contractCli, stagingCli] = await Promise.all([
      modulesLoadedBy('@birth-lane/contract/cli', { cwd: packageDir }),
      modulesLoadedBy('@birth-lane/staging-surface/cli', { cwd: packageDir }),
    ]);
    const own = new URL('../src/cli/', import.meta.url).href;
    const beyond = stagingCli.filter((url) => !contractCli.includes(url) && !url.startsWith(own));
    expect(beyond).toEqual([]);
    // The block loads only when a command runs.
    expect(stagingCli.filter((url) => url.endsWith('-actions.ts'))).toEqual([]);
  });
});
