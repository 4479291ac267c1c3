import { fileURLToPath } from 'node:url';
import { modulesLoadedBy } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('@birth-lane/contract/cli', () => {
  it("loads commander and the commands' definitions, not their work, when imported", async () => {
    const loaded = await modulesLoadedBy('@birth-lane/contract/cli', { cwd: packageDir });
    const contractSource = new URL('../src/', import.meta.url).href;
    const files = loaded
      .filter((url) => url.startsWith(contractSource))
      .map((url) => url.slice(contractSource.length));
    expect(files).toContain('cli/approvals-command.ts');
    // The approval gate, its schemas and the SQL load only when an approvals command runs.
    expect(files.filter((file) => file.endsWith('-actions.ts') || file.startsWith('sql/'))).toEqual([]);
    expect(files).not.toContain('postgres-approval-gate.ts');
    expect(files).not.toContain('approval.ts');
    // The package each file outside the workspace belongs to (the last node_modules/<name> in its path).
    const packages = new Set(
      loaded.flatMap((url) => /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? []),
    );
    expect([...packages].sort()).toEqual(['commander', 'zod']);
  });
});
