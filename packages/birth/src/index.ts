// The name is the contract's (a wire protocol between this block and the producer channels).
export { BIRTH_NOTIFY_CHANNEL } from '@birth-lane/contract';
export { birthSteps, MINT_BIRTH_SIGNATURE } from './birth-steps.js';
export {
  type BirthTriggerFabricSql,
  type BirthTriggerMapping,
  type BirthTriggerSpec,
  type BirthTriggerSql,
  birthTriggerFabricSql,
  birthTriggerMappingSchema,
  birthTriggerSpecSchema,
  birthTriggerSql,
} from './birth-trigger.js';
export {
  type BirthConflictField,
  type BirthOutcome,
  type BulkBirthOutcome,
  MINT_BIRTHS_CHUNK_SIZE,
  type MintBirthsResult,
  mintBirth,
  mintBirths,
} from './mint-births.js';
export { parseBirthInput, parseBirthInputs } from './parse-birth-input.js';
