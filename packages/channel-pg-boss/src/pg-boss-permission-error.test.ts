import { EXIT_CODES } from '@birth-lane/contract';
import { CliError } from '@birth-lane/contract/cli';
import { describe, expect, it } from 'vitest';
import { pgBossPermissionError } from './pg-boss-permission-error.js';

describe('pgBossPermissionError', () => {
  it('names the login and database from the connection string, never the password, and exits 77', () => {
    const cause = Object.assign(new Error('permission denied for database registry'), { code: '42501' });
    const error = pgBossPermissionError('postgres://birth_lane:s3cret@db:5432/registry', 'pgboss', cause);
    expect(CliError.isInstance(error)).toBe(true);
    expect(error.exitCode).toBe(EXIT_CODES.noPermission);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('grant create on database registry to birth_lane;');
    expect(error.message).toContain('create schema pgboss authorization birth_lane;');
    expect(error.message).not.toContain('s3cret');
  });

  it('quotes a login or database name a person could not paste as it is', () => {
    const error = pgBossPermissionError('postgres://Ops%20Team@db/My-Registry', 'pgboss', null);
    expect(error.message).toContain('grant create on database "My-Registry" to "Ops Team";');
  });

  it('says what to fill in when the connection string has no login', () => {
    expect(pgBossPermissionError('postgres://db/registry', 'pgboss', null).message).toContain(
      'to <your login>;',
    );
  });
});
