export { checkStampMapping, type MappingCheck, type MappingProblem } from './check-mapping.js';
export {
  type MappingEntry,
  mappingEntrySchema,
  parseStampMapping,
  readStampMappingFile,
  type StampMappingDocument,
  stampMappingDocumentSchema,
} from './mapping-document.js';
export {
  DEFAULT_STAMP_BATCH_SIZE,
  type MaterializeInput,
  type MaterializeResult,
  materializeInputSchema,
  materializeStamps,
  type StampBatch,
  stampBatchSchema,
} from './materialize-stamps.js';
export { stampMappingSteps } from './stamp-mapping-steps.js';
