import { createHash } from 'node:crypto';
import { defaultRuleSet } from '@birth-lane/inspect-producer';
import type { TemplateRecipe } from '@birth-lane/test-kit';
import pg from 'pg';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { installLane } from '../src/lane/install-lane.js';
import { laneSteps } from '../src/lane/lane-steps.js';

/**
 * A template database holding the installed lane with the default rule set activated the governed
 * way, what `installActiveLane` makes: a test file clones it instead of installing and activating
 * again (about 1-2 s each time). The key covers every step's SQL and the rule set, so a change to
 * either builds a new template.
 */
export const activeLaneTemplate: TemplateRecipe = {
  key: [
    'active-lane',
    createHash('sha256')
      .update(JSON.stringify([laneSteps.map((step) => [step.id, step.mutation]), defaultRuleSet]))
      .digest('hex'),
  ],
  async build(connectionString) {
    const pool = new pg.Pool({ connectionString, max: 2 });
    try {
      const installed = await installLane(pool);
      if (!installed.ruleSet.active) {
        await activateWithDemoApprovals(pool, connectionString, installed.ruleSet.version);
      }
    } finally {
      await pool.end();
    }
  },
};
