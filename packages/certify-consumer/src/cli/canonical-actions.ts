import { BirthLaneError, EXIT_CODES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { type CommandHost, withDatabase } from '@birth-lane/contract/cli';
import { listCanonicalCollections, setCanonicalCollections } from '../canonical-collections.js';

/** Said wherever the list is shown, so nobody has to guess how `Kernel` and `kernel` compare. */
const RULE =
  'names compare by one rule: Unicode NFKC, invisible format characters removed, white space runs ' +
  'as one space, trimmed, A-Z lower-cased (so "Kernel", " kernel " and "KERNEL" are "kernel")';

/** The work of `birth-lane canonical …` (see canonical-command.ts); each returns the exit code. */

export async function listCanonical(host: CommandHost, flags: { json?: boolean }): Promise<number> {
  return withDatabase(host, async (db) => {
    const collections = await listCanonicalCollections(db);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ collections, rule: RULE })}\n`);
      return EXIT_CODES.completed;
    }
    if (collections.length === 0) process.stdout.write('no canonical collections\n');
    for (const each of collections) {
      const key = each.key === each.collectionName ? '' : ` (compared as "${each.key}")`;
      const note = each.note ? `  ${each.note}` : '';
      process.stdout.write(`${each.collectionName}${key}  added ${each.addedAt.toISOString()}${note}\n`);
    }
    process.stdout.write(`${RULE}\n`);
    return EXIT_CODES.completed;
  });
}

export async function setCanonical(
  host: CommandHost,
  names: string[],
  flags: { note?: string; json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const change = await setCanonicalCollections(db, names, { note: flags.note }).catch((error: unknown) => {
      if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
      throw new BirthLaneError(
        'FORBIDDEN_ACTION',
        "canonical set needs the lane owner's login (DATABASE_URL): no lane role may change the canonical collections.",
        { cause: error },
      );
    });
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(change)}\n`);
      return EXIT_CODES.completed;
    }
    for (const name of change.added) process.stdout.write(`added    ${name}\n`);
    for (const name of change.removed) process.stdout.write(`removed  ${name}\n`);
    if (change.added.length + change.removed.length === 0) process.stdout.write('no change\n');
    if (change.removed.length > 0)
      process.stdout.write(
        'rows of a removed collection certify themselves at their next stamp update, without a promotion\n',
      );
    return EXIT_CODES.completed;
  });
}
