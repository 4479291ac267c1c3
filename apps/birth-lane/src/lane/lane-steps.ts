import { backlogSteps } from '@birth-lane/backlog';
import { birthSteps } from '@birth-lane/birth';
import { certifySteps } from '@birth-lane/certify-consumer';
import { consoleSteps } from '@birth-lane/console';
import { contractSteps, type Step } from '@birth-lane/contract';
import { gateSteps } from '@birth-lane/gate-policy';
import { inspectContractSteps } from '@birth-lane/inspect-contract';
import { ruleSetSteps } from '@birth-lane/inspect-producer';
import { stagingSteps } from '@birth-lane/staging-surface';
import { stampMappingSteps } from '@birth-lane/stamp-mapping';

/**
 * Every database object of the lane, in install order: the contract's shared surfaces first,
 * then each block's own objects. This is the composition; the blocks never see each other.
 */
export const laneSteps: readonly Step[] = [
  ...contractSteps,
  ...birthSteps,
  ...inspectContractSteps,
  ...certifySteps,
  ...ruleSetSteps,
  ...backlogSteps,
  ...stagingSteps,
  ...gateSteps,
  ...stampMappingSteps,
  ...consoleSteps,
];
