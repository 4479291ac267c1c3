import { parseOrThrow, type RuleSet, ruleSetSchema } from '@birth-lane/contract';
import document from './default-rule-set.json' with { type: 'json' };
import { assertSupportedRuleSet } from './rule-set-support.js';

/**
 * The shipped rule set 1.0.0 (the brief's Đ0-G stage table), parsed through the contract's schema
 * at import so a broken edit of the JSON fails loudly. Every check is explained in the README.
 */
export const defaultRuleSet: RuleSet = parseOrThrow(
  ruleSetSchema,
  document,
  'default rule set (default-rule-set.json)',
);
assertSupportedRuleSet(defaultRuleSet, 'default rule set (default-rule-set.json)');
