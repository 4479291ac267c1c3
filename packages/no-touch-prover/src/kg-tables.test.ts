import { ValidationError } from '@birth-lane/contract';
import { describe, expect, it } from 'vitest';
import { parseKgTables } from './kg-tables.js';

describe('parseKgTables', () => {
  it('qualifies bare names with public and drops blanks and repeats', () => {
    expect(parseKgTables('universal_edges, kg.provenance,,universal_edges')).toEqual([
      'public.universal_edges',
      'kg.provenance',
    ]);
    expect(parseKgTables([])).toEqual([]);
  });

  it.each(['Edges', 'a.b.c', 'edges;drop', '"quoted"', '1st'])(
    'refuses %s, naming the field and the rule',
    (name) => {
      let caught: unknown;
      try {
        parseKgTables(`ok, ${name}`, '--kg-tables');
      } catch (error) {
        caught = error;
      }
      expect(ValidationError.isInstance(caught)).toBe(true);
      expect((caught as ValidationError).issues).toEqual([
        expect.objectContaining({ field: '--kg-tables.1', rule: 'pattern' }),
      ]);
    },
  );
});
