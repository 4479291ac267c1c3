import { InvalidArgumentError } from 'commander';
import { isRegistryIdText, MAX_REGISTRY_ID } from '../registry-row.js';

/**
 * The one set of flag parsers every command uses (the app's and the channel packages'). Each error
 * names the flag and the rule; commander prints it with the pointer to --help.
 */

/** A whole-number flag within bounds. */
export function wholeNumberFlag(flag: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}

/** A number of seconds (decimals allowed) within bounds. */
export function secondsFlag(flag: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(
        `${flag} must be a number of seconds from ${min} to ${max}, got "${value}"`,
      );
    }
    return Number(value);
  };
}

/** A registry id (or approval request id): a bigint, kept as its decimal text. */
export function registryIdFlag(flag: string) {
  return (value: string): string => {
    if (!isRegistryIdText(value)) {
      throw new InvalidArgumentError(
        `${flag} must be a positive whole number no larger than ${MAX_REGISTRY_ID}, got "${value}"`,
      );
    }
    return value;
  };
}
