import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RuleSet } from '@birth-lane/contract';
import { CliError } from '@birth-lane/contract/cli';
import type { SurfaceInput } from '../create-surface.js';
import type { RuleSetChoice } from '../resolve-rule-set.js';

// The input flags of `staging create`, shared with an app's own commands that create a surface
// (the app's `pilot`), so both read a fixtures file and a --rule-set the same way. The block and
// the contract's schemas load when a flag is read, not when the command line is built
// (test/cli-entry.test.ts).

/** `--fixtures FILE`: the file read whole, its format from its extension. */
export async function readFixturesFlag(path: string, keepBadRows: boolean): Promise<SurfaceInput> {
  const { fixtureFormatOf } = await import('../fixtures.js');
  const format = fixtureFormatOf(path);
  if (format === null)
    throw new CliError('usage', `--fixtures ${path}: the file must end in .jsonl or .csv.`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError('usage', `--fixtures ${path} cannot be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    kind: 'fixtures',
    fileName: basename(path),
    text,
    format,
    keepBadRows,
  };
}

/** `--rule-set 1.2.0` is a stored version; anything else is a rule-set file. */
export async function readRuleSetFlag(value: string): Promise<RuleSetChoice> {
  const { parseOrThrow, ruleSetSchema, ruleSetVersionSchema, ValidationError } = await import(
    '@birth-lane/contract'
  );
  if (ruleSetVersionSchema.safeParse(value).success) return { kind: 'version', version: value };
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch (error) {
    throw new CliError(
      'usage',
      `--rule-set ${value} is neither a version (such as 1.0.0) nor a readable file: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`--rule-set ${value}`, [
      { field: '(file)', rule: 'json', message: `is not JSON: ${(error as Error).message}` },
    ]);
  }
  const ruleSet: RuleSet = parseOrThrow(ruleSetSchema, document, `--rule-set ${value}`);
  return { kind: 'document', ruleSet, source: `file ${basename(value)}` };
}
