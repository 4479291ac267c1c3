import { createHash } from 'node:crypto';
import { defaultRuleSet } from '@birth-lane/inspect-producer';
import type { TemplateRecipe } from '@birth-lane/test-kit';
import pg from 'pg';
import { planSteps } from '../src/lane/plan-steps.js';
import { installActiveLane } from './install-active-lane.js';

/**
 * A template database holding the installed lane with the default rule set activated the governed
 * way, what `installActiveLane` makes: a test file clones it instead of installing and activating
 * again. The key covers every step's SQL and the rule set, so a change to either builds a new
 * template.
 */
export const activeLaneTemplate: TemplateRecipe = {
  key: [
    'active-lane',
    createHash('sha256')
      .update(JSON.stringify([planSteps.map((step) => [step.id, step.mutation]), defaultRuleSet]))
      .digest('hex'),
  ],
  async build(connectionString) {
    const pool = new pg.Pool({ connectionString, max: 2 });
    try {
      await installActiveLane({ pool, connectionString });
    } finally {
      await pool.end();
    }
  },
};
