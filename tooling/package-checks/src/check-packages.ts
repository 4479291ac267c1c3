/**
 * `pnpm check:packages`: every publishable package, checked as it would be published. Builds them
 * (turbo), packs each with pnpm into a temp folder, then lints each tarball with publint and
 * @arethetypeswrong/cli. One line per package and a summary; exits 1 on any problem.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTW_PROFILE, type AttwResult, attwCheck } from './attw-check.js';
import { buildPackages, type PackedPackage, packPackages } from './build-and-pack.js';
import { type PublintResult, publintCheck } from './publint-check.js';
import { secondsSince } from './run-command.js';
import { publishablePackages } from './workspace-packages.js';

const say = (line: string) => process.stdout.write(`${line}\n`);

interface PackageVerdict {
  readonly pkg: PackedPackage;
  readonly publint: PublintResult;
  readonly attw: AttwResult;
}

async function main(): Promise<number> {
  const started = performance.now();
  const packages = publishablePackages();
  if (packages.length === 0) throw new Error('no publishable package under packages/');
  say(
    `check:packages  ${packages.length} publishable packages: ${packages.map((pkg) => pkg.name).join(', ')}`,
  );

  let phase = performance.now();
  const cached = await buildPackages(packages);
  say(`build           done in ${secondsSince(phase)}${cached ? ` (turbo: ${cached})` : ''}`);

  const folder = await mkdtemp(join(tmpdir(), 'birth-lane-check-packages-'));
  try {
    phase = performance.now();
    const packed = await packPackages(packages, folder);
    say(`pack            ${packed.length} tarballs (pnpm pack) in ${secondsSince(phase)}`);

    phase = performance.now();
    // Two at a time: each attw run is a Node process loading TypeScript, and the machine is shared.
    const verdicts = await mapLimit(packed, 2, async (pkg): Promise<PackageVerdict> => {
      const [publint, attw] = await Promise.all([publintCheck(pkg.tarball), attwCheck(pkg.tarball)]);
      return { pkg, publint, attw };
    });
    const width = Math.max(...packed.map((pkg) => `${pkg.name}@${pkg.version}`.length));
    for (const verdict of verdicts) for (const line of describe(verdict, width)) say(line);

    const failed = verdicts.filter((verdict) => !verdict.publint.ok || !verdict.attw.ok);
    say(`checks          done in ${secondsSince(phase)}`);
    if (failed.length > 0) {
      say(
        `check:packages  FAILED: ${failed.length} of ${verdicts.length} packages have problems ` +
          `(${failed.map((verdict) => verdict.pkg.name).join(', ')}), in ${secondsSince(started)}`,
      );
      return 1;
    }
    say(
      `check:packages  ok: ${verdicts.length} of ${verdicts.length} packages pass publint and attw ` +
        `(--profile ${ATTW_PROFILE}), in ${secondsSince(started)}`,
    );
    return 0;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function describe({ pkg, publint, attw }: PackageVerdict, width: number): string[] {
  const ok = publint.ok && attw.ok;
  const { error, warning, suggestion } = publint.counts;
  const lint = `publint ${count(error, 'error')}, ${count(warning, 'warning')}, ${count(suggestion, 'suggestion')}`;
  const types = attw.ok
    ? `attw ${ATTW_PROFILE}: no problems (${count(attw.entrypoints.length, 'entry point')})`
    : `attw ${ATTW_PROFILE}: ${count(attw.problems.length, 'problem')}`;
  const lines = [`${ok ? 'ok  ' : 'FAIL'}  ${`${pkg.name}@${pkg.version}`.padEnd(width)}  ${lint}; ${types}`];
  for (const message of publint.messages) lines.push(`        publint ${message}`);
  for (const problem of attw.problems) lines.push(`        attw ${problem}`);
  return lines;
}

/** `1 problem`, `2 problems`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `check:packages  FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
