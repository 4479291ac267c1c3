import { resolvedFrom } from '@birth-lane/fixture-source-condition';
import { expect, test } from 'vitest';

test('workspace packages resolve to src/ through the @birth-lane/source condition', () => {
  expect(resolvedFrom).toBe('src');
});
