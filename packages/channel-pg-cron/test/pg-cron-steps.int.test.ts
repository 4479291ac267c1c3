import { randomBytes } from 'node:crypto';
import { catalogObjectExists, contractSteps, installSteps } from '@birth-lane/contract';
import { describeStepConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import {
  PG_CRON_WRAPPER_PROCEDURE,
  pgCronSteps,
  pgCronWrapperProducerOnlyStep,
  pgCronWrapperStep,
} from '../src/pg-cron-steps.js';
import { installedLaneTemplate } from './lane.js';

// Installing the entry point needs no pg_cron: the job is scheduled apart from the steps.
const lane = useTestDatabase({ name: 'pg-cron-steps', template: installedLaneTemplate });

describeStepConformance(
  pgCronWrapperStep.id,
  () => pgCronWrapperStep,
  () => lane.db.pool,
);

describeStepConformance(
  pgCronWrapperProducerOnlyStep.id,
  () => pgCronWrapperProducerOnlyStep,
  async () => {
    await lane.db.pool.query(pgCronWrapperStep.mutation);
    return lane.db.pool;
  },
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
    const ids = pgCronSteps.map((step) => step.id);
    expect(ids).toEqual([pgCronWrapperStep.id, pgCronWrapperProducerOnlyStep.id]);
    expect((await installSteps(lane.db.pool, pgCronSteps)).applied).toEqual(ids);
    expect(await installSteps(lane.db.pool, pgCronSteps)).toEqual({ applied: [], alreadyApplied: ids });
    const { rows } = await lane.db.pool.query(
      `select has_function_privilege('birth_lane_producer', $1::text, 'execute') as producer,
              has_function_privilege('public', $1::text, 'execute') as everyone`,
      [PG_CRON_WRAPPER_PROCEDURE],
    );
    expect(rows).toEqual([{ producer: true, everyone: false }]);

    // A reader login (USAGE on the schema, no producer role) is refused at the CALL itself, not
    // somewhere inside it, and no beat is written.
    const login = `bl_attack_reader_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await lane.db.pool.query(`create role ${login} login password '${password}' in role birth_lane_reader`);
    const nobody = await lane.db.connectAs(login, password);
    try {
      await expect(nobody.query('call birth_lane.run_producer_from_pg_cron(10, 1000)')).rejects.toThrow(
        /permission denied for procedure run_producer_from_pg_cron/,
      );
      const beats = await lane.db.pool.query('select count(*)::int as n from birth_lane.producer_heartbeats');
      expect(beats.rows).toEqual([{ n: 0 }]);
    } finally {
      await nobody.end();
      await lane.db.pool.query(`drop role ${login}`);
    }
    await lane.db.pool.query(pgCronWrapperProducerOnlyStep.rollback);
    await lane.db.pool.query(pgCronWrapperStep.rollback);
    expect(await catalogObjectExists(lane.db.pool, `function:${PG_CRON_WRAPPER_PROCEDURE}`)).toBe(false);
  });
});
