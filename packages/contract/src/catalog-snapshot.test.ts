import { describe, expect, it } from 'vitest';
import { type CatalogSnapshot, catalogSnapshotHash, diffCatalog, isEmptyDiff } from './catalog-snapshot.js';

const snapshot = (objects: Record<string, Record<string, unknown>>): CatalogSnapshot => ({
  specificationVersion: 'v1',
  objects,
});

describe('diffCatalog', () => {
  it('sorts what was added, removed and changed', () => {
    const before = snapshot({
      'table:a.t': { owner: 'x' },
      'table:a.gone': {},
      'function:a.f()': { bodyMd5: '1' },
    });
    const after = snapshot({
      'table:a.t': { owner: 'x' },
      'table:a.z': {},
      'table:a.b': {},
      'function:a.f()': { bodyMd5: '2' },
    });
    expect(diffCatalog(before, after)).toEqual({
      added: ['table:a.b', 'table:a.z'],
      removed: ['table:a.gone'],
      changed: ['function:a.f()'],
    });
  });

  it('sees no change when only the key order differs', () => {
    const before = snapshot({ 'table:a.t': { owner: 'x', kind: 'r' } });
    const after = snapshot({ 'table:a.t': { kind: 'r', owner: 'x' } });
    expect(isEmptyDiff(diffCatalog(before, after))).toBe(true);
    expect(catalogSnapshotHash(before)).toBe(catalogSnapshotHash(after));
  });

  it('sees a nested change', () => {
    const before = snapshot({ 'table:a.t': { columns: [{ name: 'id', notNull: true }] } });
    const after = snapshot({ 'table:a.t': { columns: [{ name: 'id', notNull: false }] } });
    expect(diffCatalog(before, after).changed).toEqual(['table:a.t']);
    expect(catalogSnapshotHash(before)).not.toBe(catalogSnapshotHash(after));
  });
});
