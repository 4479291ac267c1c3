import { describe, expect, it } from 'vitest';
import {
  CERTIFIED_INSERT_GUARD_TRIGGER,
  CERTIFY_FUNCTION,
  CERTIFY_TRIGGER,
  PROMOTE_FUNCTION,
} from './certify-objects.js';
import { certifySteps } from './certify-steps.js';

describe('certifySteps', () => {
  const [step] = certifySteps;

  it('is one step after the contract roles, with the SQL file as its mutation', () => {
    expect(certifySteps).toHaveLength(1);
    expect(step?.id).toBe('certify-consumer/0001_certify_consumer');
    expect(step?.prerequisites).toEqual(['contract/0004_roles']);
    expect(step?.mutation).toMatch(/^-- Why:/);
  });

  it('plans, creates and rolls back exactly the objects the exported names point at', () => {
    for (const name of [CERTIFY_TRIGGER, CERTIFIED_INSERT_GUARD_TRIGGER]) {
      expect(step?.footprint).toContain(`trigger:public.birth_registry.${name}`);
      expect(step?.mutation).toContain(`create trigger ${name}`);
      expect(step?.rollback).toContain(`drop trigger if exists ${name} on public.birth_registry`);
    }
    expect(step?.footprint).toContain(`function:${CERTIFY_FUNCTION}()`);
    expect(step?.footprint).toContain(`function:${PROMOTE_FUNCTION}(bigint,bigint)`);
    expect(step?.mutation).toContain(`create or replace function ${PROMOTE_FUNCTION}(`);
  });
});
