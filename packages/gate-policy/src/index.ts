export {
  FLIP_CRITERIA,
  type FlipCriteriaOptions,
  type FlipCriteriaReading,
  type FlipCriterion,
  type FlipWindows,
  flipCriteriaOptionsSchema,
  flipCriterionSchema,
  flipWindowsSchema,
  readFlipCriteria,
} from './flip-criteria.js';
export {
  type FlipGateInput,
  type FlipResult,
  flipBirthGate,
  flipGateInputSchema,
  flipResultSchema,
} from './flip-gate.js';
export { gateSteps } from './gate-steps.js';
export {
  type LayeredValue,
  PERSISTED_LAYERS,
  type PersistedGateLayers,
  type PersistedGateSetting,
  type PersistedLayer,
  readPersistedGateLayers,
  SESSION_CAVEAT,
} from './persisted-gate-layers.js';
