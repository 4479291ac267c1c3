import { InvalidArgumentError } from 'commander';

/** Flag parsers shared by the commands; they load nothing but commander, so start-up stays fast. */

/** A whole-number flag within bounds; the error names the flag and the rule. */
export function wholeNumberFlag(flag: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}

/** A number of seconds (decimals allowed) within bounds; the error names the flag and the rule. */
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
