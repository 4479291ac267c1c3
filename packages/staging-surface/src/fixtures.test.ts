import { describe, expect, it } from 'vitest';
import { fixtureFormatOf, parseFixtures } from './fixtures.js';

const good = { entity_code: 'STG-001', collection_name: 'fauna', governance_role: 'governed' };

describe('parseFixtures', () => {
  it('names the line and the field of a row that cannot be stored', () => {
    const text = [
      JSON.stringify(good),
      JSON.stringify({ ...good, born_at: 'yesterday' }),
      '{not json',
      JSON.stringify({ ...good, colour: 'red' }),
    ].join('\n');
    const { shapeIssues } = parseFixtures(text, 'jsonl');
    expect(shapeIssues.map((issue) => [issue.field, issue.rule])).toEqual([
      ['line 2: born_at', 'timestamp'],
      ['line 3', 'json'],
      ['line 4: (row)', 'unknown_key'],
    ]);
  });

  it('refuses a stamp in the future and a repeated id', () => {
    const text = [
      JSON.stringify({ ...good, id: 5, inspect_pen: '2999-01-01T00:00:00Z' }),
      JSON.stringify({ ...good, id: 6 }),
      JSON.stringify({ ...good, id: 6 }),
    ].join('\n');
    expect(parseFixtures(text, 'jsonl').shapeIssues.map((issue) => [issue.field, issue.rule])).toEqual([
      ['line 1: inspect_pen', 'not_future'],
      ['line 3: id', 'unique'],
    ]);
  });

  it('marks, without changing, rows production would refuse or skip', () => {
    const text = [
      JSON.stringify({ ...good, entity_code: 'lower-1' }),
      JSON.stringify({ ...good, collection_name: '  ' }),
      JSON.stringify({ ...good, inspect_gate: '2025-01-01T00:00:00Z', inspect_pen: '2025-01-01T00:00:00Z' }),
      JSON.stringify(good),
    ].join('\n');
    const { rows, shapeIssues } = parseFixtures(text, 'jsonl');
    expect(shapeIssues).toEqual([]);
    expect(rows.map((row) => row.issues.map((issue) => `${issue.field} ${issue.rule}`))).toEqual([
      ['line 1: entity_code pattern'],
      ['line 2: collection_name required'],
      ['line 3: inspect_* ambiguous_stamps'],
      [],
    ]);
    expect(rows[1]!.fields.collection_name).toBe('  ');
  });

  it('reads CSV: header names the fields, an empty cell is NULL, quotes hold commas and line breaks', () => {
    const text =
      'id,entity_code,collection_name,description,certified\n7,STG-007,fauna,"a, b\nc",false\n8,,fauna,,true\n';
    const { rows, shapeIssues } = parseFixtures(text, 'csv');
    expect(shapeIssues).toEqual([]);
    expect(rows.map((row) => [row.line, row.id, row.fields.description, row.fields.certified])).toEqual([
      [2, 7, 'a, b\nc', false],
      [4, 8, null, true],
    ]);
    expect(rows[1]!.issues.map((issue) => issue.rule)).toEqual(['required', 'certified_like']);
  });

  it('reports a CSV line with the wrong number of fields, and an unclosed quote', () => {
    expect(parseFixtures('id,entity_code\n1,A-001,extra\n', 'csv').shapeIssues[0]).toMatchObject({
      field: 'line 2',
      rule: 'csv',
    });
    expect(parseFixtures('id,entity_code\n1,"A-001\n', 'csv').shapeIssues[0]).toMatchObject({
      field: 'line 2',
      rule: 'csv',
    });
  });

  it('takes the line number as the id when a row has none', () => {
    expect(parseFixtures(`\n${JSON.stringify(good)}\n`, 'jsonl').rows[0]!.id).toBe(2);
  });
});

describe('fixtureFormatOf', () => {
  it('reads the format from the extension only', () => {
    expect([fixtureFormatOf('a.jsonl'), fixtureFormatOf('b.CSV'), fixtureFormatOf('c.json')]).toEqual([
      'jsonl',
      'csv',
      null,
    ]);
  });
});
