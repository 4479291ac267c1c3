import { fileURLToPath } from 'node:url';
import { modulesLoadedBy } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('@birth-lane/inspect-producer/cli', () => {
  it('loads only commander, @birth-lane/contract/cli and its own command definitions when imported', async () => {
    const [contractCli, rulesCli] = await Promise.all([
      modulesLoadedBy('@birth-lane/contract/cli', { cwd: packageDir }),
      modulesLoadedBy('@birth-lane/inspect-producer/cli', { cwd: packageDir }),
    ]);
    const own = new URL('../src/cli/', import.meta.url).href;
    const beyond = rulesCli.filter((url) => !contractCli.includes(url) && !url.startsWith(own));
    expect(beyond).toEqual([]);
    // The rule-set store and the rest of the block load only when a subcommand runs.
    expect(rulesCli.filter((url) => url.endsWith('-actions.ts'))).toEqual([]);
  });
});
