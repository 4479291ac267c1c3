import { templateName, withDatabase } from '@birth-lane/test-kit';
import { describe, expect, test } from 'vitest';

describe('withDatabase', () => {
  test('swaps only the database, keeping credentials and parameters', () => {
    expect(withDatabase('postgres://u:p%40ss@db.local:6543/postgres?sslmode=disable', 'bl_t_1')).toBe(
      'postgres://u:p%40ss@db.local:6543/bl_t_1?sslmode=disable',
    );
  });

  test('works for a URL without a database', () => {
    expect(withDatabase('postgres://postgres@127.0.0.1:5432', 'x')).toBe(
      'postgres://postgres@127.0.0.1:5432/x',
    );
  });
});

describe('templateName', () => {
  test('is stable for the same SQL and fits an identifier', () => {
    const name = templateName(['CREATE TABLE a (id int)']);
    expect(name).toBe(templateName(['CREATE TABLE a (id int)']));
    expect(name).toMatch(/^bl_tpl_[0-9a-f]{16}$/);
  });

  test('keeps statement boundaries: [a, b] is not [ab]', () => {
    expect(templateName(['a', 'b'])).not.toBe(templateName(['ab']));
  });
});
