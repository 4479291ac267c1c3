import { describe, expect, it } from 'vitest';
import { describeServer, hidePassword } from './connection-string.js';

describe('describeServer / hidePassword', () => {
  it('a connection string is shown without its password', () => {
    expect(describeServer('postgres://alice:s3cret@db.internal:6543/registry')).toBe(
      'alice@db.internal:6543/registry',
    );
    expect(hidePassword('postgres://alice:s3cret@db.internal/registry')).not.toContain('s3cret');
  });
});
