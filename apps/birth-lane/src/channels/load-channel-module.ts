import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ChannelModule, channelModuleOf } from '@birth-lane/contract';
import { CliError } from '@birth-lane/contract/cli';
import { resolve as resolveImport } from 'import-meta-resolve';

/**
 * Loads a channel module named by configuration. A path (./x.js, /abs/x.js) is taken from the
 * working directory; a package name is resolved the way Node's ESM loader would resolve it from a
 * file in the working directory (import-meta-resolve: Node's own algorithm, exports and all),
 * so it finds the user's project's node_modules, not this app's.
 */
export async function loadChannelModule(specifier: string, cwd = process.cwd()): Promise<ChannelModule> {
  // Only a package or a file: a URL (data:, http:) would run code the configuration does not name.
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier) && !isAbsolute(specifier)) {
    throw new CliError(
      'usage',
      `the channel module "${specifier}" must be a package name or a file path, not a URL.`,
    );
  }
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  let url: string;
  try {
    url = isPath
      ? pathToFileURL(resolvePath(cwd, specifier)).href
      : resolveImport(specifier, pathToFileURL(`${cwd}/`).href);
  } catch (error) {
    throw new CliError(
      'usage',
      `cannot find the channel module "${specifier}" from ${cwd}: install it in this project (npm install ${specifier}) or give a path (./my-channel.js).`,
      { cause: error },
    );
  }
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CliError(
      'usage',
      code === 'ERR_UNSUPPORTED_DIR_IMPORT'
        ? `the channel module "${specifier}" is a folder: give its module file (${specifier.replace(/\/$/, '')}/index.js), or install the folder as a package and give its name.`
        : `the channel module "${specifier}" failed to load: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return channelModuleOf(namespace, specifier);
}
