/**
 * `@birth-lane/channel-http/cli`: the channel's command line, for a host program built on
 * commander. Importing it loads commander and `@birth-lane/contract/cli` only.
 */
export { type HttpCommandOptions, httpCommand } from './http-command.js';
