import { readFileSync } from 'node:fs';
import { BIRTH_NOTIFY_CHANNEL } from '@birth-lane/contract';
import type { CommandHost } from '@birth-lane/contract/cli';
import { describe, expect, it } from 'vitest';
import { listenCommand } from './cli.js';

/** A host that refuses to be used: parsing flags must not touch it. */
const untouchable = new Proxy({} as CommandHost, {
  get: (_, member) => () => {
    throw new Error(`the host's ${String(member)} was used`);
  },
});

describe('listenCommand', () => {
  it('names the contract’s notify channel in its help', () => {
    expect(listenCommand(untouchable).description()).toContain(`LISTEN ${BIRTH_NOTIFY_CHANNEL}`);
  });

  it('refuses a flag out of range before asking the host for anything', async () => {
    const command = listenCommand(untouchable)
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(command.parseAsync(['--coalesce-ms', '0'], { from: 'user' })).rejects.toThrow(
      /--coalesce-ms must be a whole number from 1 to 10000/,
    );
  });

  it('loads only commander and the contract’s cli when imported (the channel and pg load when it runs)', () => {
    const source = readFileSync(new URL('./cli.ts', import.meta.url), 'utf8');
    const staticImports = [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)';$/gms)].map(
      (m) => m[1],
    );
    expect(staticImports.sort()).toEqual(['@birth-lane/contract/cli', 'commander']);
  });
});
