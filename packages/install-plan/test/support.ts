import { contractSteps, installSteps, type Step, sqlStep } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import type { TestDatabase } from '@birth-lane/test-kit';
import { installPlanSteps, stepVersionHash } from '../src/index.js';

/** The bootstrap steps: the contract's first four and the install ledger. */
export const bootstrapSteps: readonly Step[] = [...contractSteps.slice(0, 4), ...installPlanSteps];

/** A small block of the test's own, with a grant to a lane role in its plan. */
export const widgetStep = (variant = ''): Step =>
  sqlStep({
    id: 'widgets/0001_widgets',
    title: 'widgets schema and table, readable by the reader role',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: `create schema if not exists widgets;
      create table if not exists widgets.widget (id integer primary key${variant});
      grant usage on schema widgets to birth_lane_reader;
      grant select on widgets.widget to birth_lane_reader;`,
    rollback: 'drop table if exists widgets.widget; drop schema if exists widgets;',
    footprint: [
      'schema:widgets',
      'table:widgets.widget',
      'grant:schema:widgets:birth_lane_reader:USAGE',
      'grant:table:widgets.widget:birth_lane_reader:SELECT',
    ],
  });

export const gadgetStep: Step = sqlStep({
  id: 'widgets/0002_gadgets',
  title: 'gadgets, next to the widgets',
  risk: 'low',
  prerequisites: ['widgets/0001_widgets'],
  mutation: 'create table if not exists widgets.gadget (id integer);',
  rollback: 'drop table if exists widgets.gadget;',
  footprint: ['table:widgets.gadget'],
});

/** A step whose SQL grants the producer role more than its footprint says: its rehearsal must fail. */
export const sneakyStep = (): Step =>
  sqlStep({
    id: 'widgets/0003_sneaky',
    title: 'a table, and quietly a privilege for the producer',
    risk: 'low',
    prerequisites: ['contract/0004_roles'],
    mutation: `create schema if not exists widgets;
      create table if not exists widgets.sneaky (id integer);
      grant select on widgets.sneaky to birth_lane_producer;`,
    rollback: 'drop table if exists widgets.sneaky;',
    footprint: ['schema:widgets', 'table:widgets.sneaky'],
    adopts: ['schema:widgets'],
  });

/** The previous release's install: the contract's steps through the old installer (birth_lane.applied_steps). */
export async function legacyInstall(db: TestDatabase): Promise<void> {
  await installSteps(db.pool, contractSteps);
}

/** An install_step approval for this step version (or its rollback), met by demo logins. */
export async function approveStep(
  db: TestDatabase,
  step: Step,
  operation?: 'rollback',
  risk: 'medium' | 'high' = step.risk === 'high' ? 'high' : 'medium',
): Promise<string> {
  const scope = { step: step.id, versionHash: stepVersionHash(step), ...(operation ? { operation } : {}) };
  return approveWithDemoLogins(db.pool, (login, password) => db.connectAs(login, password), {
    action: 'install_step',
    scope,
    risk,
    reason: `test: ${operation ?? 'apply'} ${step.id}`,
  });
}

/** The refusal a promise ends with (it must refuse). */
export async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; condition?: string; constraint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; condition?: string };
  }
  throw new Error('expected a refusal, but it succeeded');
}
