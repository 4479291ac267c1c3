import { join } from 'node:path';
import { runCommand } from './run-command.js';

const PACKAGE_DIR = join(import.meta.dirname, '..');

/**
 * The profile for our packages: ESM-only ("type": "module", an `import` condition and no
 * `require`), for Node >= 20.19. `esm-only` checks the node16-from-ESM and bundler resolutions and
 * leaves out the two that cannot apply by design: node10 (no `exports` support at all) and
 * node16-from-CJS (`require()` of an ESM-only package). `node16` would report every entry as
 * broken for CommonJS callers, which is the design, not a defect; `strict` adds node10 on top.
 */
export const ATTW_PROFILE = 'esm-only';
/** The resolutions attw's esm-only profile ignores (its profiles.js): used only to list problems. */
const IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs']);

interface AttwProblem {
  readonly kind: string;
  readonly entrypoint?: string;
  readonly resolutionKind?: string;
  readonly fileName?: string;
}

export interface AttwResult {
  readonly ok: boolean;
  /** Entry points attw checked, e.g. `.`, `./testing`. */
  readonly entrypoints: readonly string[];
  /** One line per problem the profile counts. */
  readonly problems: readonly string[];
}

/** Runs `attw <tarball> --profile esm-only --format json` and reads its verdict. */
export async function attwCheck(tarball: string): Promise<AttwResult> {
  const attw = join(PACKAGE_DIR, 'node_modules', '.bin', 'attw');
  const result = await runCommand(attw, [tarball, '--profile', ATTW_PROFILE, '--format', 'json'], {
    cwd: PACKAGE_DIR,
  });
  let report: {
    analysis: {
      types: false | { kind: string };
      entrypoints?: Record<string, unknown>;
      problems?: AttwProblem[];
    };
  };
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return {
      ok: false,
      entrypoints: [],
      problems: [`attw failed (exit ${result.code}): ${result.output.trim()}`],
    };
  }
  const { analysis } = report;
  const entrypoints = Object.keys(analysis.entrypoints ?? {});
  if (!analysis.types) {
    return { ok: false, entrypoints, problems: ['ships no type declarations'] };
  }
  const problems = (analysis.problems ?? [])
    .filter((problem) => !problem.resolutionKind || !IGNORED_RESOLUTIONS.has(problem.resolutionKind))
    .map(
      (problem) =>
        `${problem.kind}${problem.entrypoint ? ` at "${problem.entrypoint}"` : ''}` +
        `${problem.resolutionKind ? ` (${problem.resolutionKind})` : ''}${problem.fileName ? ` in ${problem.fileName}` : ''}`,
    );
  // attw's exit code is the verdict; the list above only says why.
  const ok = result.code === 0;
  if (!ok && problems.length === 0)
    problems.push(`attw exited ${result.code}: ${result.output.trim().slice(0, 500)}`);
  return { ok, entrypoints, problems };
}
