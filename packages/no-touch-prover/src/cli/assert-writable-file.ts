import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from '@birth-lane/contract/cli';

/**
 * Refuses an output path that cannot be written (no such directory, not a directory, no write
 * permission, an existing file that is read-only or a directory) before any work starts: usage
 * error (exit 64) naming the flag, never an internal error after a whole snapshot or pilot.
 * Creates nothing.
 */
export async function assertWritableFile(file: string, flag: string): Promise<void> {
  const path = resolve(file);
  const refuse = (why: string): never => {
    throw new CliError('usage', `${flag} ${file}: ${why}; give a file in a directory you can write.`);
  };
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) refuse('is a directory');
  if (existing) {
    await access(path, constants.W_OK).catch(() => refuse('is not writable'));
    return;
  }
  const directory = await stat(dirname(path)).catch(() => undefined);
  if (!directory) refuse(`its directory ${dirname(path)} does not exist`);
  if (!directory!.isDirectory()) refuse(`${dirname(path)} is not a directory`);
  await access(dirname(path), constants.W_OK).catch(() =>
    refuse(`its directory ${dirname(path)} is not writable`),
  );
}
