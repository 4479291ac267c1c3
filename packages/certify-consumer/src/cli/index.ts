/**
 * `@birth-lane/certify-consumer/cli`: the certify consumer's command line for an app that
 * implements the contract's CommandHost: `canonical`, and `refile-promotions` for the contract's
 * `approvals` group. Importing it loads commander and `@birth-lane/contract/cli` only; the block
 * loads when a command runs.
 */
export { canonicalCommand } from './canonical-command.js';
export { refilePromotionsCommand } from './refile-promotions-command.js';
