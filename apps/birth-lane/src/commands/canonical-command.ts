import { listCanonicalCollections, setCanonicalCollections } from '@birth-lane/certify-consumer';
import { BirthLaneError, type Database, EXIT_CODES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';

/** Said wherever the list is shown, so nobody has to guess how `Kernel` and `kernel` compare. */
const RULE =
  'names compare by one rule: Unicode NFKC, invisible format characters removed, white space runs ' +
  'as one space, trimmed, A-Z lower-cased (so "Kernel", " kernel " and "KERNEL" are "kernel")';

/**
 * `birth-lane canonical list|set`: the canonical (kernel) collections, whose rows are never
 * certified automatically but get a promotion request and wait for an approved promotion.
 * `set` needs the lane owner's login: no lane role may change the set, which would switch
 * promotion off for a collection.
 */
export function registerCanonicalCommand(program: Command): void {
  const canonical = program
    .command('canonical')
    .description(
      'canonical (kernel) collections: rows there are promoted with an approval, never auto-certified',
    );

  canonical
    .command('list')
    .description('the canonical collections, with the key the canonical check compares')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await withDatabase(async (db) => {
        const collections = await listCanonicalCollections(db);
        if (options.json) {
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
    });

  canonical
    .command('set <names...>')
    .description('make the canonical collections exactly these names (one change, whole or not at all)')
    .option('--note <text>', 'why, kept with each added collection')
    .option('--json', 'print what was added and removed as JSON')
    .action(async (names: string[], options: { note?: string; json?: boolean }) => {
      process.exitCode = await withDatabase(async (db) => {
        const change = await setCanonicalCollections(db, names, { note: options.note }).catch(
          (error: unknown) => {
            if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
            throw new BirthLaneError(
              'FORBIDDEN_ACTION',
              "canonical set needs the lane owner's login (DATABASE_URL): no lane role may change the canonical collections.",
              { cause: error },
            );
          },
        );
        if (options.json) {
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
    });
}

async function withDatabase(work: (db: Database) => Promise<number>): Promise<number> {
  const database = await openDatabase(loadConfig());
  try {
    return await work(database.pool);
  } finally {
    await database.close();
  }
}
