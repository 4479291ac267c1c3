import { describe, expect, it } from 'vitest';
import { compareFootprint, plannedFootprint } from './footprint.js';

const step = {
  footprint: ['table:s.new', 'grant:table:s.new:r:SELECT', 'schema:s'],
  adopts: ['schema:s'],
  changes: ['function:s.f()'],
  removes: ['grant:table:s.old:r:INSERT'],
};

describe('plannedFootprint', () => {
  it('is created ∪ changed ∪ removed, sorted, each once', () => {
    expect(plannedFootprint(step)).toEqual([
      'function:s.f()',
      'grant:table:s.new:r:SELECT',
      'grant:table:s.old:r:INSERT',
      'schema:s',
      'table:s.new',
    ]);
  });
});

describe('compareFootprint', () => {
  it('is exact when the diff is the plan (an adopted object may be found already there)', () => {
    const diff = {
      added: ['grant:table:s.new:r:SELECT', 'table:s.new'],
      removed: ['grant:table:s.old:r:INSERT'],
      changed: ['function:s.f()'],
    };
    expect(compareFootprint(step, diff)).toEqual({ unplanned: [], unrealised: [] });
  });

  it('names what is beyond the plan, by direction: a removal planned as a creation is still unplanned', () => {
    const diff = {
      added: ['grant:table:s.new:r:SELECT', 'table:s.new', 'grant:table:s.new:PUBLIC:SELECT'],
      removed: ['grant:table:s.old:r:INSERT', 'table:s.new'],
      changed: ['function:s.f()', 'table:s.other'],
    };
    expect(compareFootprint(step, diff).unplanned).toEqual([
      'added:grant:table:s.new:PUBLIC:SELECT',
      'changed:table:s.other',
      'removed:table:s.new',
    ]);
  });

  it('names what did not happen, unless it was already so before', () => {
    const diff = { added: [], removed: [], changed: [] };
    expect(compareFootprint(step, diff).unrealised).toEqual([
      'added:grant:table:s.new:r:SELECT',
      'added:table:s.new',
      'changed:function:s.f()',
      'removed:grant:table:s.old:r:INSERT',
    ]);
    expect(
      compareFootprint(step, diff, {
        alreadyPresent: ['table:s.new', 'grant:table:s.new:r:SELECT'],
        alreadyAbsent: ['grant:table:s.old:r:INSERT'],
      }).unrealised,
    ).toEqual(['changed:function:s.f()']);
  });
});
