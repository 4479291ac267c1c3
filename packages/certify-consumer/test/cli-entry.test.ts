import { fileURLToPath } from 'node:url';
import { modulesLoadedBy } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('@birth-lane/certify-consumer/cli', () => {
  it('loads only commander, @birth-lane/contract/cli and its own command definitions when imported', async () => {
    const [contractCli, certifyCli] = await Promise.all([
      modulesLoadedBy('@birth-lane/contract/cli', { cwd: packageDir }),
      modulesLoadedBy('@birth-lane/certify-consumer/cli', { cwd: packageDir }),
    ]);
    const own = [
      new URL('../src/cli/', import.meta.url).href,
      // The default --limit shown in the help; a module without imports.
      new URL('../src/refile-limit.ts', import.meta.url).href,
    ];
    const beyond = certifyCli.filter(
      (url) => !contractCli.includes(url) && !own.some((allowed) => url.startsWith(allowed)),
    );
    expect(beyond).toEqual([]);
    // The block (canonical collections, re-filing) loads only when a command runs.
    expect(certifyCli.filter((url) => url.endsWith('-actions.ts') || url.endsWith('-action.ts'))).toEqual([]);
  });
});
