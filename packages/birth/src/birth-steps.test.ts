import { readFileSync } from 'node:fs';
import { BIRTH_NOTIFY_CHANNEL, ENTITY_CODE_PATTERN_SQL } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { birthSteps } from './birth-steps.js';

const sql = readFileSync(new URL('../sql/0001_birth.sql', import.meta.url), 'utf8');

describe('sql/0001_birth.sql', () => {
  it('opens with why', () => {
    expect(sql.startsWith('-- Why:')).toBe(true);
  });

  it("checks entity_code with exactly the contract's pattern", () => {
    expect(sql).toContain(`!~ '${ENTITY_CODE_PATTERN_SQL}'`);
  });

  it('announces births on BIRTH_NOTIFY_CHANNEL', () => {
    expect(sql).toContain(`pg_notify('${BIRTH_NOTIFY_CHANNEL}', born.id::text)`);
  });

  it('is the mutation of the birth step, which follows the contract roles', () => {
    expect(birthSteps.map((step) => step.id)).toEqual(['birth/0001_birth']);
    expect(birthSteps[0]?.mutation).toBe(sql);
    expect(birthSteps[0]?.prerequisites).toEqual(['contract/0004_roles']);
  });
});
