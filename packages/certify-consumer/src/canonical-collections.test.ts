import { type Queryable, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { setCanonicalCollections } from './canonical-collections.js';

function recordingDb(): Queryable & { sent: number } {
  const db = {
    sent: 0,
    async query() {
      db.sent += 1;
      return { rows: [], rowCount: 0 };
    },
  };
  return db;
}

describe('setCanonicalCollections input', () => {
  it.each([
    [[''], 'names.0', 'min'],
    [['kernel', ' padded'], 'names.1', 'trimmed'],
    [['x'.repeat(129)], 'names.0', 'max'],
    [[42], 'names.0', 'type'],
  ])('refuses %j naming %s (rule %s) and sends nothing', async (names, field, rule) => {
    const db = recordingDb();
    const error = await setCanonicalCollections(db, names as string[]).catch((caught: unknown) => caught);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as ValidationError).issues).toContainEqual(expect.objectContaining({ field, rule }));
    expect(db.sent).toBe(0);
  });

  it('accepts an empty set (no canonical collections)', async () => {
    const db = recordingDb();
    await expect(setCanonicalCollections(db, [])).resolves.toEqual({ added: [], removed: [] });
    expect(db.sent).toBe(1);
  });
});
