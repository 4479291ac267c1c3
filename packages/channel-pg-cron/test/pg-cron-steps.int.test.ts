import { catalogObjectExists, contractSteps, installSteps } from '@birth-lane/contract';
import { describeStepConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { PG_CRON_WRAPPER_PROCEDURE, pgCronSteps, pgCronWrapperStep } from '../src/pg-cron-steps.js';
import { installedLaneTemplate } from './lane.js';

// Installing the entry point needs no pg_cron: the job is scheduled apart from the steps.
const lane = useTestDatabase({ name: 'pg-cron-steps', template: installedLaneTemplate });

describeStepConformance(
  pgCronWrapperStep.id,
  () => pgCronWrapperStep,
  () => lane.db.pool,
);

describe('the pg-cron install steps', () => {
  const contractOnly = useTestDatabase({ name: 'pg-cron-steps-bare' });

  it("stop while the producer's procedure has not been installed", async () => {
    await installSteps(contractOnly.db.pool, contractSteps);
    await expect(installSteps(contractOnly.db.pool, pgCronSteps)).rejects.toThrow(
      /prerequisite inspect-producer\/0004_run_producer_procedure has not been applied/,
    );
    expect(await catalogObjectExists(contractOnly.db.pool, `function:${PG_CRON_WRAPPER_PROCEDURE}`)).toBe(
      false,
    );
  });

  it('install the entry point once, skip it when applied, and roll back cleanly', async () => {
    expect((await installSteps(lane.db.pool, pgCronSteps)).applied).toEqual([pgCronWrapperStep.id]);
    expect(await installSteps(lane.db.pool, pgCronSteps)).toEqual({
      applied: [],
      alreadyApplied: [pgCronWrapperStep.id],
    });
    const { rows } = await lane.db.pool.query(
      "select has_function_privilege('birth_lane_producer', $1::text, 'execute') as granted",
      [PG_CRON_WRAPPER_PROCEDURE],
    );
    expect(rows).toEqual([{ granted: true }]);
    await lane.db.pool.query(pgCronWrapperStep.rollback);
    expect(await catalogObjectExists(lane.db.pool, `function:${PG_CRON_WRAPPER_PROCEDURE}`)).toBe(false);
  });
});
