import { createHash } from 'node:crypto';
import {
  contractSteps,
  type Database,
  installSteps,
  type RuleSet,
  ruleSetHash,
  type Step,
} from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { activateRuleSet, ruleSetSteps, saveRuleSet } from '@birth-lane/inspect-producer';
import type { TemplateRecipe } from '@birth-lane/test-kit';
import pg from 'pg';

/**
 * What the channel meets in the database: the contract's shared objects (registry, evidence,
 * heartbeats, approvals) and the producer block's (rule sets, the compiled inspection,
 * birth_lane.run_producer). The producer block is a devDependency for these tests only; the
 * channel itself reaches it by catalog name.
 */
export const laneSteps: readonly Step[] = [...contractSteps, ...ruleSetSteps];

export function installLane(db: Database): Promise<unknown> {
  return installSteps(db, laneSteps);
}

/** A template database with the lane installed (no rule set active), cloned by each test file. */
export const installedLaneTemplate: TemplateRecipe = {
  key: [
    'pg-cron-lane',
    createHash('sha256')
      .update(JSON.stringify(laneSteps.map((step) => [step.id, step.mutation])))
      .digest('hex'),
  ],
  async build(connectionString) {
    const pool = new pg.Pool({ connectionString, max: 2 });
    try {
      await installLane(pool);
    } finally {
      await pool.end();
    }
  },
};

/** Three births every stage of the default rule set passes. */
export const SEED_THREE_BIRTHS = `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
  values ('ENT-001', 'fauna', 'SP-MAMMAL', 'dot://a', 'A cat', 'A small domesticated mammal.', 'active'),
         ('ENT-002', 'fauna', 'SP-MAMMAL', 'dot://b', 'A dog', 'A loyal domesticated mammal.', 'active'),
         ('ENT-003', 'fauna', 'SP-MAMMAL', 'dot://c', 'A cow', 'A large domesticated mammal.', 'active')`;

/**
 * Saves `ruleSet` and activates it the governed way: an approval given by the contract's demo
 * logins, each connected as itself to the server `url` points at. Activation compiles
 * birth_lane.inspect_batch, which is what the pg_cron job judges with.
 */
export async function saveAndActivate(db: Database, url: string, ruleSet: RuleSet): Promise<void> {
  await saveRuleSet(db, ruleSet);
  const approvalId = await approveWithDemoLogins(db, (login, password) => connectAs(url, login, password), {
    action: 'rule_set_activation',
    scope: { version: ruleSet.version, hash: ruleSetHash(ruleSet) },
  });
  await activateRuleSet(db, ruleSet.version, { approvalId });
}

async function connectAs(url: string, login: string, password: string): Promise<pg.Client> {
  const target = new URL(url);
  target.username = encodeURIComponent(login);
  target.password = encodeURIComponent(password);
  const client = new pg.Client({ connectionString: target.toString() });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Objects installing the channel creates, counted so "nothing installed" is a number. */
export async function pgCronFootprint(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select (to_regprocedure('birth_lane.run_producer_from_pg_cron(integer,integer)') is not null)::int
          + (select count(*)::int from birth_lane.producer_heartbeats where channel = 'pg-cron')
          + (select count(*)::int from birth_lane.applied_steps
              where step_id = 'pg-cron/0001_run_producer_from_pg_cron') as n`,
  );
  return rows[0]!.n;
}
