import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleAsset {
  readonly body: Buffer;
  readonly type: string;
}

const require = createRequire(import.meta.url);

/**
 * The console's static files, read once when the plugin loads: its stylesheet and chart script
 * (assets/ in this package) and uPlot's built files from npm. Served from memory under
 * /console/assets/, so the CSP can allow scripts from 'self' only.
 */
export function loadConsoleAssets(): ReadonlyMap<string, ConsoleAsset> {
  const own = new URL('../assets/', import.meta.url);
  const uplot = dirname(require.resolve('uplot'));
  const files: readonly (readonly [string, string, string])[] = [
    ['console.css', fileURLToPath(new URL('console.css', own)), 'text/css; charset=utf-8'],
    ['burndown.js', fileURLToPath(new URL('burndown.js', own)), 'text/javascript; charset=utf-8'],
    ['uPlot.iife.min.js', join(uplot, 'uPlot.iife.min.js'), 'text/javascript; charset=utf-8'],
    ['uPlot.min.css', join(uplot, 'uPlot.min.css'), 'text/css; charset=utf-8'],
  ];
  return new Map(files.map(([name, file, type]) => [name, { body: readFileSync(file), type }]));
}
