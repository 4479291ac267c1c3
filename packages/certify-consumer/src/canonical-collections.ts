import { parseOrThrow, type Queryable } from '@birth-lane/contract';
import { z } from 'zod';
import { canonicalCollectionKey } from './canonical-collection-key.js';
import {
  type CanonicalCollectionRow,
  LIST_CANONICAL_COLLECTIONS_SQL,
  SET_CANONICAL_COLLECTIONS_SQL,
} from './sql/canonical-collections.js';

/** The same bound the birth block puts on `collection_name`. */
const collectionNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  // A padded name would silently never match a registry row, so it is refused instead of trimmed.
  .refine((name) => name.trim() === name, {
    message: 'must not start or end with spaces',
    params: { rule: 'trimmed' },
  })
  .refine((name) => canonicalCollectionKey(name) !== '', {
    message: 'must have a visible character',
    params: { rule: 'visible' },
  });

const setInputSchema = z.strictObject({
  names: z.array(collectionNameSchema).max(10_000, 'must list at most 10000 collections'),
  note: z.string().max(4000, 'must be at most 4000 characters').optional(),
});

export interface CanonicalCollection {
  readonly collectionName: string;
  /** What the canonical check compares: canonicalCollectionKey(collectionName). */
  readonly key: string;
  readonly addedAt: Date;
  readonly note: string | null;
}

export interface CanonicalCollectionsChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/**
 * Makes the canonical (kernel) collections exactly `names`, in one statement. Rows of a canonical
 * collection are never auto-certified; they wait for an approved promotion. Removing a collection
 * lets its complete rows certify at their next UPDATE, so treat this as governed configuration.
 * Writing needs the owner's rights: no lane role may change the set.
 */
export async function setCanonicalCollections(
  db: Queryable,
  names: readonly string[],
  options: { note?: string } = {},
): Promise<CanonicalCollectionsChange> {
  const input = parseOrThrow(setInputSchema, { names, ...options }, 'canonical collections');
  const { rows } = await db.query<{ change: 'added' | 'removed'; collection_name: string }>(
    SET_CANONICAL_COLLECTIONS_SQL,
    [input.names, input.note ?? null],
  );
  return {
    added: rows.filter((row) => row.change === 'added').map((row) => row.collection_name),
    removed: rows.filter((row) => row.change === 'removed').map((row) => row.collection_name),
  };
}

/** The configured canonical collections, ordered by key. */
export async function listCanonicalCollections(db: Queryable): Promise<CanonicalCollection[]> {
  const { rows } = await db.query<CanonicalCollectionRow>(LIST_CANONICAL_COLLECTIONS_SQL);
  return rows.map((row) => ({
    collectionName: row.collection_name,
    key: row.key,
    addedAt: row.added_at,
    note: row.note,
  }));
}
