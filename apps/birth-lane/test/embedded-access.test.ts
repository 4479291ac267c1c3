import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BirthLaneError } from '@birth-lane/contract';
import { firstClosedFolder } from '@birth-lane/embedded-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/database/open-database.js';

// A folder only its owner may enter, as /root is: the OS user "postgres" cannot reach inside.
const closed = mkdtempSync(join(tmpdir(), 'bl-closed-'));
chmodSync(closed, 0o700);
afterAll(() => rmSync(closed, { recursive: true, force: true }));

describe('embedded PostgreSQL in a folder the postgres user cannot enter', () => {
  it('firstClosedFolder names the folder in the way', () => {
    expect(firstClosedFolder(join(closed, 'a', 'b'))).toBe(closed);
    expect(firstClosedFolder(tmpdir())).toBeNull();
  });

  it.runIf(process.getuid?.() === 0)(
    'the app says which folder and what to do instead of spawn EACCES (as root)',
    async () => {
      const config = {
        ...loadConfig({}),
        BIRTH_LANE_DATA_DIR: join(closed, 'data'),
        BIRTH_LANE_EMBEDDED_PORT: 1,
      };
      const error = await openDatabase(config).catch((caught: unknown) => caught);
      expect(BirthLaneError.isInstance(error) && error.code).toBe('CONFIGURATION_INVALID');
      const message = (error as Error).message;
      expect(message).toContain(`cannot enter ${closed}`);
      expect(message).toContain('BIRTH_LANE_DATA_DIR');
      expect(message).toContain('DATABASE_URL');
      expect(message).not.toMatch(/spawn EACCES/);
    },
  );
});
