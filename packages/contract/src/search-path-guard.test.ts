import { describe, expect, it } from 'vitest';
import { schemasOnSearchPath } from './search-path-guard.js';

describe('schemasOnSearchPath', () => {
  it('resolves $user, keeps quoted names as written and leaves out pg_temp', () => {
    expect(schemasOnSearchPath('"$user", public', 'birth_lane_reader')).toEqual([
      'birth_lane_reader',
      'public',
    ]);
    expect(schemasOnSearchPath(' Lane ,"Mixed Case", pg_temp, pg_catalog', 'r')).toEqual([
      'lane',
      'Mixed Case',
      'pg_catalog',
    ]);
    expect(schemasOnSearchPath('', 'r')).toEqual([]);
  });
});
