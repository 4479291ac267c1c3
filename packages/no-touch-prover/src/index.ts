export { type BucketFigures, FIGURE, groupChecksum, sumIndex } from './bucket-figures.js';
export { type CompareOptions, compareSnapshots, DEFAULT_CHANGED_ID_LIMIT } from './compare-snapshots.js';
export { DEFAULT_KG_TABLES, KG_TABLES_ENV, parseKgTables } from './kg-tables.js';
export { type BucketChange, locateChanges } from './locate-changes.js';
export { parseSnapshot } from './parse-snapshot.js';
export { renderProofMarkdown } from './render-proof-markdown.js';
export { readStagingFacts, type StagingFacts } from './staging-evidence.js';
export {
  cutIntoChunks,
  DEFAULT_BUCKET_SIZE,
  DEFAULT_CHUNK_ROWS,
  type SnapshotProgress,
  type TakeSnapshotOptions,
  takeSnapshot,
} from './take-snapshot.js';
