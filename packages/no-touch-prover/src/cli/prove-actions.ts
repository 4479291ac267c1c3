import { readFile, writeFile } from 'node:fs/promises';
import { EXIT_CODES, ValidationError } from '@birth-lane/contract';
import { type CommandHost, groupDigits, progressBar, withDatabase } from '@birth-lane/contract/cli';
import { compareSnapshots } from '../compare-snapshots.js';
import { DEFAULT_KG_TABLES, KG_TABLES_ENV, parseKgTables } from '../kg-tables.js';
import { parseSnapshot } from '../parse-snapshot.js';
import { renderProofMarkdown } from '../render-proof-markdown.js';
import { takeSnapshot } from '../take-snapshot.js';
import { assertWritableFile } from './assert-writable-file.js';
import { formatProofSummary } from './format-proof-summary.js';
import { VERDICT_EXIT_CODES } from './verdict-exit-codes.js';

export async function snapshotAction(
  host: CommandHost,
  flags: { out?: string; since?: string; kgTables?: string; bucketSize?: number; json?: boolean },
): Promise<number> {
  const since =
    flags.since === undefined
      ? undefined
      : parseSnapshot(await readJson(flags.since, 'before snapshot file'), `--since ${flags.since}`);
  if (flags.out !== undefined) await assertWritableFile(flags.out, '--out');
  const kgTables = parseKgTables(
    flags.kgTables ?? process.env[KG_TABLES_ENV] ?? DEFAULT_KG_TABLES,
    flags.kgTables !== undefined
      ? '--kg-tables'
      : process.env[KG_TABLES_ENV] !== undefined
        ? KG_TABLES_ENV
        : 'kgTables',
  );
  host.needsRole('birth_lane_reader');
  const snapshot = await withDatabase(host, async (db) => {
    let bar: ReturnType<typeof progressBar> | undefined;
    const taken = await takeSnapshot(db, {
      kgTables,
      ...(since ? { since } : {}),
      ...(flags.bucketSize !== undefined || since
        ? { bucketSize: flags.bucketSize ?? since!.buckets.size }
        : {}),
      onProgress: ({ rowsDone, rowsEstimated }) => {
        bar ??= progressBar('snapshot', Math.max(1, Math.round(rowsEstimated)));
        bar.update(rowsDone);
      },
    });
    bar?.finish(taken.rowCount);
    return taken;
  });
  const out =
    flags.out ?? `birth-lane-snapshot-${snapshot.takenAt.toISOString().replace(/[-:]|\.\d+/g, '')}.json`;
  // The file holds the salt: readable by its owner only (see the README).
  await writeFile(out, `${JSON.stringify(snapshot)}\n`, { encoding: 'utf8', mode: 0o600 });
  const { buckets, ...figures } = snapshot;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ file: out, buckets: buckets.entries.length, ...figures })}\n`);
    return EXIT_CODES.completed;
  }
  const kg = Object.entries(snapshot.kgTableCounts)
    .map(([name, rows]) => `${name} ${rows === null ? 'absent' : groupDigits(rows)}`)
    .join(', ');
  process.stdout.write(
    [
      `snapshot of ${snapshot.table} written to ${out} (${snapshot.seconds} s, as ${snapshot.takenBy})`,
      `rows ${groupDigits(snapshot.rowCount)}, max id ${snapshot.maxId ?? 'none'}`,
      `stamps pen ${groupDigits(snapshot.stampCounts.pen)}, stamp ${groupDigits(snapshot.stampCounts.stamp)}, gate ${groupDigits(snapshot.stampCounts.gate)}`,
      `certified ${groupDigits(snapshot.certifiedCount)} (certified_at set on ${groupDigits(snapshot.certifiedAtCount)})`,
      `KG tables: ${kg || 'none configured'}`,
      `checksums: identity ${snapshot.identityChecksum.slice(0, 16)}…, canonical ${snapshot.canonicalChecksum.slice(0, 16)}…`,
      snapshot.since
        ? `rows written since ${flags.since}: ${groupDigits(snapshot.since.writtenRows)}${snapshot.since.writtenIds.length > 0 ? ` (ids ${snapshot.since.writtenIds.slice(0, 10).join(', ')}${snapshot.since.writtenRows > 10 ? ', …' : ''})` : ''}`
        : `salt chosen for this rehearsal; take the after snapshot with --since ${out}, and keep this file private until then`,
      '',
    ].join('\n'),
  );
  return EXIT_CODES.completed;
}

export async function compareAction(
  beforeFile: string,
  afterFile: string,
  flags: { rehearsalId: string; limit: number; markdown?: string; json?: boolean },
): Promise<number> {
  if (flags.markdown !== undefined) await assertWritableFile(flags.markdown, '--markdown');
  const before = parseSnapshot(
    await readJson(beforeFile, 'before snapshot file'),
    `before snapshot ${beforeFile}`,
  );
  const after = parseSnapshot(
    await readJson(afterFile, 'after snapshot file'),
    `after snapshot ${afterFile}`,
  );
  // No staging evidence on this path: a file anyone can write proves nothing about a surface, so
  // a standalone compare is at best INCONCLUSIVE; only `birth-lane pilot` gathers it itself.
  const report = compareSnapshots(before, after, {
    rehearsalId: flags.rehearsalId,
    stagingEvidence: {},
    limit: flags.limit,
  });
  if (flags.markdown) await writeFile(flags.markdown, renderProofMarkdown(report), 'utf8');
  if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else
    process.stdout.write(
      formatProofSummary(report, [
        'a standalone compare has no staging evidence: NT-6 and NT-7 rest on facts only a rehearsal gathers itself, so it is at best INCONCLUSIVE (`birth-lane pilot` can PASS)',
      ]),
    );
  return VERDICT_EXIT_CODES[report.verdict];
}

async function readJson(file: string, subject: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError(
      subject,
      [
        {
          field: file,
          rule: 'readable',
          message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
        },
      ],
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      subject,
      [{ field: file, rule: 'json', message: `is not JSON: ${(error as Error).message}` }],
      {
        cause: error,
      },
    );
  }
}
