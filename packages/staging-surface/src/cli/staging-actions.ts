import { BirthLaneError, EXIT_CODES } from '@birth-lane/contract';
import { CliError, type CommandHost, progressBar, withDatabase } from '@birth-lane/contract/cli';
import { createSurface } from '../create-surface.js';
import { dropSurface } from '../drop-surface.js';
import { listSurfaces } from '../list-surfaces.js';
import { reportSurface } from '../report-surface.js';
import { runSurface } from '../run-surface.js';
import { StagingResidueError } from '../staging-errors.js';
import { parseTtl } from '../ttl.js';
import { formatList, formatReport, formatRun } from './format-staging.js';
import { readFixturesFlag, readRuleSetFlag } from './input-flags.js';
import type { CreateFlags } from './staging-command.js';

const out = (text: string) => process.stdout.write(`${text}\n`);
const json = (value: unknown) => out(JSON.stringify(value));

/** An unresolved rule set stamps nothing: say why and answer with its own exit code. */
async function sourceRecoveryAware(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!BirthLaneError.isInstance(error) || error.code !== 'SOURCE_RECOVERY_REQUIRED') throw error;
    process.stderr.write(`${error.message}\n`);
    return EXIT_CODES.source_recovery_required;
  }
}

export async function createAction(host: CommandHost, flags: CreateFlags): Promise<number> {
  if ((flags.sample === undefined) === (flags.fixtures === undefined))
    throw new CliError('usage', 'staging create needs exactly one of --sample N or --fixtures FILE.');
  if (flags.keepBadRows && flags.fixtures === undefined)
    throw new CliError('usage', '--keep-bad-rows applies to --fixtures only.');
  const ttlSeconds = parseTtl(flags.ttl);
  const input =
    flags.fixtures === undefined
      ? { kind: 'sample' as const, size: flags.sample! }
      : await readFixturesFlag(flags.fixtures!, flags.keepBadRows === true);
  const ruleSet = flags.ruleSet === undefined ? undefined : await readRuleSetFlag(flags.ruleSet);
  const compiler = await host.inspectionCompiler();
  return sourceRecoveryAware(() =>
    withDatabase(host, async (db) => {
      const created = await createSurface(db, { compiler, input, ruleSet, ttlSeconds });
      if (flags.json) {
        json(created);
        return EXIT_CODES.completed;
      }
      out(
        `staging surface ${created.surfaceId} (schema ${created.schema}) created by ${created.manifest.creator}`,
      );
      out(
        `  rows loaded      ${created.loaded}${created.badRows.length > 0 ? ` (${created.badRows.length} kept as deliberate bad input)` : ''}`,
      );
      out(`  rule set         ${created.manifest.ruleSetVersion} (${created.manifest.ruleSetHash})`);
      out(`  source           ${created.manifest.source}`);
      out(`  expires          ${created.manifest.expiresAt.toISOString()}`);
      for (const check of created.manifest.readiness)
        out(`  ${check.id} ${check.ok ? 'ok  ' : 'FAIL'} ${check.title}`);
      out(`next: birth-lane staging run ${created.surfaceId}`);
      return EXIT_CODES.completed;
    }),
  );
}

export async function runAction(host: CommandHost, id: string, flags: { json?: boolean }): Promise<number> {
  const compiler = await host.inspectionCompiler();
  return sourceRecoveryAware(() =>
    withDatabase(host, async (db) => {
      let bar: ReturnType<typeof progressBar> | undefined;
      const counts = await runSurface(db, id, {
        compiler,
        onProgress: (done, total) => {
          bar ??= progressBar(`staging run ${id}`, total);
          bar.update(done);
        },
      });
      bar?.finish(counts.taken);
      if (flags.json) json(counts);
      else out(formatRun(counts));
      return EXIT_CODES.completed;
    }),
  );
}

export async function reportAction(
  host: CommandHost,
  id: string,
  flags: { json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const report = await reportSurface(db, id);
    if (flags.json) json(report);
    else out(formatReport(report));
    return EXIT_CODES.completed;
  });
}

export async function listAction(
  host: CommandHost,
  flags: { expired?: boolean; json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const list = await listSurfaces(db, { expired: flags.expired === true });
    if (flags.json) json(list);
    else out(formatList(list));
    return EXIT_CODES.completed;
  });
}

export async function dropAction(
  host: CommandHost,
  id: string | undefined,
  flags: { expired?: boolean; json?: boolean },
): Promise<number> {
  if ((id === undefined) === (flags.expired !== true))
    throw new CliError('usage', 'staging drop needs a surface id or --expired (not both).');
  return withDatabase(host, async (db) => {
    if (id !== undefined) {
      const dropped = await dropSurface(db, id);
      if (flags.json) json(dropped);
      else
        out(
          `dropped staging surface ${dropped.surfaceId} in ${dropped.droppedInMs.toFixed(1)} ms; nothing of it is left`,
        );
      return EXIT_CODES.completed;
    }
    const { surfaces } = await listSurfaces(db, { expired: true });
    const dropped: { surfaceId: string; droppedInMs: number }[] = [];
    const residue: { surfaceId: string; residue: readonly string[] }[] = [];
    for (const { manifest } of surfaces) {
      try {
        const result = await dropSurface(db, manifest.id);
        dropped.push({ surfaceId: result.surfaceId, droppedInMs: result.droppedInMs });
      } catch (error) {
        if (!StagingResidueError.isInstance(error)) throw error;
        residue.push({ surfaceId: error.surfaceId, residue: error.residue });
      }
    }
    if (flags.json) json({ dropped, residue });
    else {
      for (const each of dropped) out(`dropped ${each.surfaceId} in ${each.droppedInMs.toFixed(1)} ms`);
      for (const each of residue) out(`RESIDUE ${each.surfaceId}: ${each.residue.join('; ')}`);
      if (dropped.length + residue.length === 0) out('no expired staging surfaces');
    }
    if (residue.length > 0) {
      process.stderr.write(
        `BAD-15: ${residue.length} expired surface(s) left residue after their drop (listed above)\n`,
      );
      return EXIT_CODES.failed;
    }
    return EXIT_CODES.completed;
  });
}
