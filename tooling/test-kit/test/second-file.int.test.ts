import { useTestDatabase } from '@birth-lane/test-kit';
import { expect, test } from 'vitest';
import { notesSetupSql } from './shared-setup.js';

// Runs in another worker, at the same time as test-kit.int.test.ts, with the same setupSql:
// it must get its own clone of the same template and see none of the other file's writes.
const t = useTestDatabase({ setupSql: notesSetupSql, name: 'int two' });

test('a second test file gets its own database from the same template', async () => {
  expect(t.db.databaseName).toMatch(/^bl_t_int_two_[0-9a-f]{8}$/);
  await t.db.pool.query("INSERT INTO notes (body) VALUES ('file two')");
  const { rows } = await t.db.pool.query<{ body: string }>('SELECT body FROM notes ORDER BY id');
  expect(rows.map((row) => row.body)).toEqual(['from the template', 'file two']);
});
