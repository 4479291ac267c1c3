import type { TestDatabase } from '@birth-lane/test-kit';
import { activateWithDemoApprovals } from '../src/lane/demo-activation.js';
import { installLane } from '../src/lane/install-lane.js';

/**
 * Installs the lane into a test database and activates the default rule set the governed way
 * (an approval by the demo logins, each connected as itself), as `start` does on the embedded
 * server. Install alone leaves the default as a draft.
 */
export async function installActiveLane(db: Pick<TestDatabase, 'pool' | 'connectionString'>): Promise<void> {
  const installed = await installLane(db.pool);
  if (!installed.ruleSet.active) {
    await activateWithDemoApprovals(db.pool, db.connectionString, installed.ruleSet.version);
  }
}
