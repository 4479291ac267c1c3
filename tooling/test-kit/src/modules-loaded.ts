import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// A module-loading hook that names every file Node loads (ES modules, and the entry file of each
// CommonJS package they import), one `LOADED <url>` line on stderr.
const HOOKS = `export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write('LOADED ' + url + '\\n');
  return next(url, context);
}`;
const REGISTER_HOOKS = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`,
)}`;

/**
 * The files a fresh Node process loads to import `specifier` from `cwd`, as `file:` URLs in load
 * order, with workspace packages read from their TypeScript source (the `@birth-lane/source`
 * condition, through tsx). For guards such as "importing the `./cli` entry loads only commander":
 * the process is separate, so what vitest itself loaded does not count.
 */
export async function modulesLoadedBy(specifier: string, options: { cwd: string }): Promise<string[]> {
  const { stderr } = await promisify(execFile)(
    process.execPath,
    [
      '--conditions=@birth-lane/source',
      '--import',
      import.meta.resolve('tsx/esm'),
      '--import',
      REGISTER_HOOKS,
      '--input-type=module',
      '--eval',
      // The hooks run on their own thread, whose stderr reaches the process through the main
      // thread's event loop: exiting right after the import can drop the last LOADED lines (seen
      // under load as modules "missing" from one of two compared processes). Give them time to land.
      `await import(${JSON.stringify(specifier)}); await new Promise((resolve) => setTimeout(resolve, 300));`,
    ],
    { cwd: options.cwd, timeout: 60_000 },
  );
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED '))
    .map((line) => line.slice('LOADED '.length));
}
