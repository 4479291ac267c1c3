/**
 * `@birth-lane/no-touch-prover/cli`: the prover's command line for an app that implements the
 * contract's CommandHost (`prove snapshot|compare`). Importing it loads commander and
 * `@birth-lane/contract/cli` only; the block loads when a command runs.
 */

export { assertWritableFile } from './assert-writable-file.js';
export { formatProofSummary } from './format-proof-summary.js';
export { proveCommand } from './prove-command.js';
export { VERDICT_EXIT_CODES } from './verdict-exit-codes.js';
