import { Command } from 'commander';
import type { ActiveRuleSetSource } from './active-rule-set-source.js';
import type { CommandHost } from './command-host.js';

/** `birth-lane explain <entity_code>`: one row's whole story, and what would make it certifiable. */
export function explainCommand(host: CommandHost & ActiveRuleSetSource): Command {
  return new Command('explain')
    .description(
      "one row's story: its stamps and when, its failures with the rule set, whether it is ambiguous and why, its promotion request and votes, and what would make it certifiable",
    )
    .argument('<entity_code>', 'the row, by entity_code')
    .option('--json', 'print the story as one JSON object')
    .action(async (entityCode: string, options: { json?: boolean }) => {
      const [{ withLaneReader }, { explainRow }, { formatStory }] = await Promise.all([
        import('./with-lane-reader.js'),
        import('../reading/row-story.js'),
        import('./format-story.js'),
      ]);
      process.exitCode = await withLaneReader(host, async (db) => {
        const story = await explainRow(db, entityCode, await host.activeRuleSetHash(db));
        if (story === null) {
          process.stderr.write(`birth-lane: no registry row has entity_code "${entityCode}"\n`);
          return 1;
        }
        process.stdout.write(options.json ? `${JSON.stringify(story)}\n` : `${formatStory(story)}\n`);
        return 0;
      });
    });
}
