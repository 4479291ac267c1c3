export { ATTW_PROFILE, type AttwResult, attwCheck } from './attw-check.js';
export { buildPackages, type PackedPackage, packPackages } from './build-and-pack.js';
export { type PublintResult, publintCheck } from './publint-check.js';
export { type CommandResult, runCommand, secondsSince } from './run-command.js';
export { type PublishablePackage, publishablePackages, WORKSPACE_ROOT } from './workspace-packages.js';
