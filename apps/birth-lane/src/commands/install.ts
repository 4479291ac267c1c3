import type { AppConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { installLane } from '../lane/install-lane.js';

export async function installCommand(config: AppConfig, options: { json: boolean }): Promise<number> {
  const database = await openDatabase(config);
  try {
    const result = await installLane(database.pool, {
      onStep: (id, outcome) => {
        if (!options.json)
          process.stdout.write(`${outcome === 'applied' ? 'applied        ' : 'already applied'}  ${id}\n`);
      },
    });
    if (!options.json && result.penJudgement.outcome === 'compiled')
      process.stdout.write(
        `compiled       the birth gate's PEN judgement (birth_lane.birth_pen_failures) from the active rule set ${result.penJudgement.version}; it was missing (an install from before the gate policy)\n`,
      );
    if (options.json) process.stdout.write(`${JSON.stringify({ database: database.source, ...result })}\n`);
    else if (result.ruleSet.active)
      process.stdout.write(`rule set ${result.ruleSet.version} active (${result.ruleSet.hash})\n`);
    else {
      process.stdout.write(
        `rule set ${result.ruleSet.version} saved as a draft (${result.ruleSet.hash}); no rule set is active, so the producer stamps nothing yet.\n` +
          `Activating a rule set needs a rule_set_activation approval for its version and hash:\n${result.nextSteps.map((step, index) => `  ${index + 1}. ${step}`).join('\n')}\n`,
      );
    }
    return 0;
  } finally {
    await database.close();
  }
}
