import { describe, expect, it } from 'vitest';
import { activationSteps } from './activation-steps.js';
import { activationScope } from './rule-set-store.js';

describe('activationSteps', () => {
  it('asks for an approval of exactly the scope the activation consumes, then activates that version', () => {
    const [request, vote, activate] = activationSteps('1.2.0', 'abc123');
    const scope = /--scope '([^']*)'/.exec(request!)?.[1];
    expect(JSON.parse(scope!)).toEqual(activationScope('1.2.0', 'abc123'));
    expect(request).toMatch(/--action rule_set_activation .*--risk high/);
    expect(vote).toMatch(/approvals vote <id> --approve/);
    expect(activate).toMatch(/^birth-lane rules activate 1\.2\.0 --approval <id>/);
  });
});
