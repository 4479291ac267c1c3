import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';

/**
 * `birth-lane prove snapshot|compare`: the no-production-touch proof by hand. `snapshot` reads the
 * registry (SELECT only: birth_lane_reader suffices) into a file; `compare` judges two such files
 * (NT-1…NT-8) and exits 0 only on PASS, 4 on FAIL, 5 on INCONCLUSIVE. A standalone compare has
 * no staging evidence (a hand-written file would prove nothing), so it is at best INCONCLUSIVE:
 * only `birth-lane pilot`, which gathers that evidence itself, can PASS.
 */
export function proveCommand(host: CommandHost): Command {
  const prove = new Command('prove').description(
    'prove with numbers that production was not touched: snapshot before, snapshot after, compare',
  );
  const actions = () => import('./prove-actions.js');

  prove
    .command('snapshot')
    .description(
      'snapshot public.birth_registry (counts, checksums, KG counts, write counters) into a JSON file',
    )
    .option('--out <file>', 'where to write the snapshot (default: birth-lane-snapshot-<time>.json here)')
    .option(
      '--since <before>',
      "the rehearsal's before snapshot: reuse its salt and count the registry rows written since it",
    )
    .option(
      '--kg-tables <names>',
      'knowledge-graph tables to count, comma-separated (default: BIRTH_LANE_KG_TABLES, else universal_edges,provenance)',
    )
    .option(
      '--bucket-size <n>',
      'ids per bucket (2 to 4096); only snapshots with the same size compare',
      wholeNumberFlag('--bucket-size', 2, 4096),
    )
    .option('--json', 'print the summary as JSON')
    .action(
      async (flags: {
        out?: string;
        since?: string;
        kgTables?: string;
        bucketSize?: number;
        json?: boolean;
      }) => {
        process.exitCode = await (await actions()).snapshotAction(host, flags);
      },
    );

  prove
    .command('compare <before> <after>')
    .description(
      'the NT-1…NT-8 verdict of two snapshot files (at best INCONCLUSIVE: only `pilot` can PASS); exit 4 FAIL, 5 INCONCLUSIVE',
    )
    .option('--rehearsal-id <id>', 'names the rehearsal in the report', 'manual')
    .option('--limit <n>', 'changed ids listed per claim', wholeNumberFlag('--limit', 1, 10_000), 20)
    .option('--markdown <file>', 'also write the report as Markdown for a change request')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        before: string,
        after: string,
        flags: {
          rehearsalId: string;
          limit: number;
          markdown?: string;
          json?: boolean;
        },
      ) => {
        process.exitCode = await (await actions()).compareAction(before, after, flags);
      },
    );

  return prove;
}
