import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../src/servers/embedded.js';

const closed = mkdtempSync(join(tmpdir(), 'bl-closed-'));
chmodSync(closed, 0o700);
afterAll(() => rmSync(closed, { recursive: true, force: true }));

describe('embedded PostgreSQL with a temp directory the postgres user cannot enter', () => {
  it.runIf(process.getuid?.() === 0)(
    'says which folder and what to do, before starting anything (as root)',
    async () => {
      const saved = process.env['TMPDIR'];
      process.env['TMPDIR'] = closed;
      try {
        const error = await startEmbedded().catch((caught: unknown) => caught);
        const message = (error as Error).message;
        expect(message).toContain(`cannot enter ${closed}`);
        expect(message).toContain('set TMPDIR');
        expect(message).toContain('DATABASE_URL');
      } finally {
        if (saved === undefined) delete process.env['TMPDIR'];
        else process.env['TMPDIR'] = saved;
      }
    },
  );
});
