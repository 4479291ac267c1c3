import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@birth-lane/contract';
import type { InstallPlan, PlannedStep } from '@birth-lane/install-plan';
import { describe, expect, it } from 'vitest';
import { readApprovalFile } from './approval-file.js';

const HASH = 'a'.repeat(64);
const plan = {
  planHash: 'b'.repeat(64),
  steps: [{ id: 'birth/0001_birth', versionHash: HASH } as PlannedStep],
} as unknown as InstallPlan;
const dir = mkdtempSync(join(tmpdir(), 'approval-file-'));
const file = (content: unknown) => {
  const path = join(dir, `${Math.random()}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const issues = (path: string) => {
  try {
    readApprovalFile(path, plan);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return (error as ValidationError).issues.map((issue) => [issue.field, issue.rule]);
  }
  throw new Error('expected a refusal');
};

describe('--approval-per-step-from FILE', () => {
  it('maps each step to its approval when the step version matches the plan', () => {
    const approvals = readApprovalFile(
      file({
        planHash: plan.planHash,
        approvals: [{ step: 'birth/0001_birth', versionHash: HASH, approval: 42 }],
      }),
      plan,
    );
    expect([...approvals]).toEqual([['birth/0001_birth', '42']]);
  });

  it('refuses, naming the field and the rule: bad JSON, another plan, another step version, an unknown step, a bad id', () => {
    expect(issues(file('{'))).toEqual([['--approval-per-step-from', 'json_file']]);
    expect(
      issues(
        file({
          planHash: 'c'.repeat(64),
          approvals: [{ step: 'birth/0001_birth', versionHash: HASH, approval: '1' }],
        }),
      ),
    ).toEqual([['planHash', 'plan_matches']]);
    expect(
      issues(file({ approvals: [{ step: 'birth/0001_birth', versionHash: 'd'.repeat(64), approval: '1' }] })),
    ).toEqual([['approvals.0', 'step_version']]);
    expect(issues(file({ approvals: [{ step: 'nope/0001_x', versionHash: HASH, approval: '1' }] }))).toEqual([
      ['approvals.0', 'step_version'],
    ]);
    expect(
      issues(file({ approvals: [{ step: 'birth/0001_birth', versionHash: HASH, approval: '0x1' }] }))[0]![0],
    ).toBe('approvals.0.approval');
    expect(issues(file({ approvals: [] }))[0]![0]).toBe('approvals');
  });
});
