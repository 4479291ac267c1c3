import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runCommand } from './run-command.js';
import { type PublishablePackage, WORKSPACE_ROOT } from './workspace-packages.js';

/**
 * Builds the packages (and, through turbo's `^build`, what they depend on). Turbo's cache makes a
 * repeated build take well under a second. Throws with turbo's output when the build fails.
 * Returns turbo's own `Cached: …` line when it printed one.
 */
export async function buildPackages(packages: readonly PublishablePackage[]): Promise<string | null> {
  const turbo = join(WORKSPACE_ROOT, 'node_modules', '.bin', 'turbo');
  const filters = packages.map((pkg) => `--filter=${pkg.name}`);
  // turbo.json lists the database variables in globalEnv (for the tests), so they are part of
  // every task's hash: with DATABASE_URL set, the build would miss the cache of a build made
  // without it and run again (30 s and more). tsup never reads them; the build goes without.
  const env: NodeJS.ProcessEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' };
  for (const name of ['DATABASE_URL', 'BIRTH_LANE_TEST_DATABASE_URL', 'BIRTH_LANE_TEST_SERVER'])
    delete env[name];
  const result = await runCommand(turbo, ['run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: WORKSPACE_ROOT,
    env,
  });
  if (result.code !== 0) throw new Error(`turbo run build failed (exit ${result.code}):\n${result.output}`);
  return /Cached:\s+(\d+ cached, \d+ total)/.exec(result.output)?.[1] ?? null;
}

export interface PackedPackage extends PublishablePackage {
  /** Absolute path of the .tgz pnpm wrote. */
  readonly tarball: string;
}

/**
 * Packs each package with pnpm, exactly as `pnpm publish` (and so `changeset publish`) would:
 * `workspace:^` ranges become real version ranges and only the `files` are included.
 */
export async function packPackages(
  packages: readonly PublishablePackage[],
  destination: string,
): Promise<PackedPackage[]> {
  const pnpm = pnpmCommand();
  const filters = packages.map((pkg) => `--filter=${pkg.name}`);
  const result = await runCommand(
    pnpm.command,
    [...pnpm.args, ...filters, 'pack', '--pack-destination', destination, '--json'],
    { cwd: WORKSPACE_ROOT },
  );
  if (result.code !== 0) throw new Error(`pnpm pack failed (exit ${result.code}):\n${result.output}`);
  const reported = parsePackJson(result.stdout);
  return packages.map((pkg) => {
    const entry = reported.find((item) => item.name === pkg.name);
    if (!entry) throw new Error(`pnpm pack wrote no tarball for ${pkg.name}:\n${result.output}`);
    return { ...pkg, tarball: entry.filename };
  });
}

/** `pnpm pack --json` prints one object for one package, an array for several. */
function parsePackJson(stdout: string): { name: string; filename: string }[] {
  const start = stdout.search(/[[{]/);
  if (start < 0) throw new Error(`pnpm pack printed no JSON:\n${stdout}`);
  const parsed: unknown = JSON.parse(stdout.slice(start));
  return (Array.isArray(parsed) ? parsed : [parsed]) as { name: string; filename: string }[];
}

/**
 * The pnpm this command runs under (`npx --yes pnpm@… check:packages` sets npm_execpath to it),
 * else the one the root package.json pins, through npx: there is no global pnpm.
 */
function pnpmCommand(): { command: string; args: string[] } {
  const execPath = process.env['npm_execpath'];
  if (execPath && basename(execPath).startsWith('pnpm'))
    return { command: process.execPath, args: [execPath] };
  const manifest = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8')) as {
    packageManager?: string;
  };
  const pinned = manifest.packageManager?.split('+')[0];
  if (!pinned?.startsWith('pnpm@')) throw new Error('the root package.json pins no pnpm (packageManager)');
  return { command: 'npx', args: ['--yes', pinned] };
}
