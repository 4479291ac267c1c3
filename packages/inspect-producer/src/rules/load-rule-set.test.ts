import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BirthLaneError, ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { parseRuleSetDocument, readRuleSetFile } from './load-rule-set.js';

const valid = {
  version: '1.1.0',
  stages: {
    pen: [{ id: 'pen.code', kind: 'required', field: 'entity_code' }],
    stamp: [{ id: 'stamp.name', kind: 'required', field: 'name' }],
    gate: [{ id: 'gate.fit', kind: 'species_fit', allowed: { fauna: ['SP-1'] } }],
  },
};

function validationErrorOf(work: () => unknown): ValidationError {
  try {
    work();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseRuleSetDocument', () => {
  it('parses a valid document, applying the schema defaults', () => {
    const ruleSet = parseRuleSetDocument(JSON.stringify(valid), 'rules.json');
    expect(ruleSet.status).toBe('draft');
    expect(ruleSet.stages.gate[0]).toMatchObject({ unlisted: 'fail' });
  });

  it('names the file and the rule when the text is not JSON', () => {
    const error = validationErrorOf(() => parseRuleSetDocument('{ "version": ', 'rules/broken.json'));
    expect(error.message).toContain('rule set rules/broken.json');
    expect(error.issues[0]).toMatchObject({ field: '(input)', rule: 'json' });
  });

  it('names the field and the rule when the document breaks the schema', () => {
    const broken = {
      ...valid,
      stages: {
        ...valid.stages,
        pen: [{ id: 'pen.code', kind: 'pattern', field: 'entity_code', pattern: '(?<=a)b' }],
      },
    };
    const error = validationErrorOf(() => parseRuleSetDocument(JSON.stringify(broken), 'rules.json'));
    expect(error.message).toContain('rules.json');
    expect(error.issues).toContainEqual(
      expect.objectContaining({ field: 'stages.pen.0.pattern', rule: 'portable_regex' }),
    );
  });

  it('refuses a schema-valid document this producer cannot judge identically in SQL', () => {
    const unportable = {
      ...valid,
      stages: { ...valid.stages, stamp: [{ id: 's', kind: 'pattern', field: 'name', pattern: '[\\S]' }] },
    };
    const error = validationErrorOf(() => parseRuleSetDocument(JSON.stringify(unportable), 'rules.json'));
    expect(error.issues).toEqual([
      expect.objectContaining({ field: 'stages.stamp.0.pattern', rule: 'portable_regex' }),
    ]);
  });

  it('refuses an unknown key instead of ignoring it', () => {
    const error = validationErrorOf(() =>
      parseRuleSetDocument(JSON.stringify({ ...valid, owner: 'me' }), 'rules.json'),
    );
    expect(error.issues[0]?.rule).toBe('unknown_key');
  });
});

describe('readRuleSetFile', () => {
  it('reads and parses a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rule-set-'));
    const path = join(dir, 'rules.json');
    await writeFile(path, JSON.stringify(valid));
    expect((await readRuleSetFile(path)).version).toBe('1.1.0');
  });

  it('says which file it could not read', async () => {
    const error = await readRuleSetFile('/nonexistent/rules.json').catch((caught: unknown) => caught);
    expect(BirthLaneError.isInstance(error) && error.code).toBe('CONFIGURATION_INVALID');
    expect((error as Error).message).toContain('/nonexistent/rules.json');
  });
});
