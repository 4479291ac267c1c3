import { type CommandHost, registryIdFlag, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';

/**
 * `birth-lane stamps check|materialize`: a stamp mapping checked against the live catalog, and
 * the mapped stamps written on certified rows with an approval, in bounded batches.
 */
export function stampsCommand(host: CommandHost): Command {
  const stamps = new Command('stamps').description(
    'lifecycle stamps (BIRTH, PROMOTE, OWNER, GOV) mapped onto existing registry columns, never new ones',
  );
  const actions = () => import('./stamps-actions.js');

  stamps
    .command('check <file>')
    .description('check a mapping (JSON) against the live catalog; prints the hash an approval names')
    .option('--json', 'print as JSON')
    .action(async (file: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).checkStamps(host, file, flags);
    });

  stamps
    .command('materialize')
    .description(
      'write the mapped stamps on the certified rows of the approved range (stamp_materialisation approval)',
    )
    .requiredOption('--mapping <file>', 'the mapping file the approval names by hash')
    .requiredOption(
      '--approval <id>',
      'the stamp_materialisation approval request',
      registryIdFlag('--approval'),
    )
    .option('--from-id <id>', 'first row id (must equal the approved scope)', registryIdFlag('--from-id'))
    .option('--to-id <id>', 'last row id (must equal the approved scope)', registryIdFlag('--to-id'))
    .option('--batch-size <n>', 'rows per batch (1 to 5000)', wholeNumberFlag('--batch-size', 1, 5000), 1000)
    .option('--json', 'print the result as JSON')
    .action(
      async (flags: {
        mapping: string;
        approval: string;
        fromId?: string;
        toId?: string;
        batchSize: number;
        json?: boolean;
      }) => {
        process.exitCode = await (await actions()).materializeStampsAction(host, flags);
      },
    );

  return stamps;
}
