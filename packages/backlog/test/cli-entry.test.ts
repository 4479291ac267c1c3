import { fileURLToPath } from 'node:url';
import { modulesLoadedBy } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('@birth-lane/backlog/cli', () => {
  it('loads only commander, @birth-lane/contract/cli and its own command definitions when imported', async () => {
    const [contractCli, backlogCli] = await Promise.all([
      modulesLoadedBy('@birth-lane/contract/cli', { cwd: packageDir }),
      modulesLoadedBy('@birth-lane/backlog/cli', { cwd: packageDir }),
    ]);
    const own = new URL('../src/cli/', import.meta.url).href;
    const beyond = backlogCli.filter((url) => !contractCli.includes(url) && !url.startsWith(own));
    expect(beyond).toEqual([]);
    // The block (plan, workers, rollback) loads only when a command runs.
    expect(backlogCli.filter((url) => url.endsWith('-actions.ts'))).toEqual([]);
  });
});
