import { readFile } from 'node:fs/promises';
import {
  BirthLaneError,
  parseOrThrow,
  type RuleSet,
  ruleSetSchema,
  ValidationError,
} from '@birth-lane/contract';
import { assertSupportedRuleSet } from './rule-set-support.js';

/**
 * Parses a rule-set document (JSON) read from `source` (a file path or any label a person will
 * recognise). Every error is a ValidationError whose subject names the source and whose issues
 * name the field (`stages.pen.1.pattern`) and the rule that failed. Besides the contract's schema,
 * the rule set must be one this producer can judge identically in TypeScript and SQL.
 */
export function parseRuleSetDocument(text: string, source: string): RuleSet {
  const subject = `rule set ${source}`;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      subject,
      [
        {
          field: '(input)',
          rule: 'json',
          message: `is not valid JSON (${(error as Error).message}); rule sets are JSON documents`,
        },
      ],
      { cause: error },
    );
  }
  const ruleSet = parseOrThrow(ruleSetSchema, document, subject);
  assertSupportedRuleSet(ruleSet, subject);
  return ruleSet;
}

/** Reads and parses a rule-set file. */
export async function readRuleSetFile(path: string): Promise<RuleSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BirthLaneError(
      'CONFIGURATION_INVALID',
      `Cannot read rule set file ${path}: ${(error as Error).message}. Check the path and its permissions.`,
      { cause: error },
    );
  }
  return parseRuleSetDocument(text, path);
}
