import { readFile, writeFile } from 'node:fs/promises';
import { EXIT_CODES, parseOrThrow, ValidationError } from '@birth-lane/contract';
import { type CommandHost, groupDigits, progressBar, withDatabase } from '@birth-lane/contract/cli';
import { z } from 'zod';
import { compareSnapshots } from '../compare-snapshots.js';
import { DEFAULT_KG_TABLES, KG_TABLES_ENV, parseKgTables } from '../kg-tables.js';
import { parseSnapshot } from '../parse-snapshot.js';
import { renderProofMarkdown } from '../render-proof-markdown.js';
import { takeSnapshot } from '../take-snapshot.js';
import { formatProofSummary } from './format-proof-summary.js';
import { VERDICT_EXIT_CODES } from './verdict-exit-codes.js';

export async function snapshotAction(
  host: CommandHost,
  flags: { out?: string; kgTables?: string; bucketSize?: number; json?: boolean },
): Promise<number> {
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
      ...(flags.bucketSize !== undefined ? { bucketSize: flags.bucketSize } : {}),
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
  await writeFile(out, `${JSON.stringify(snapshot)}\n`, 'utf8');
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
      '',
    ].join('\n'),
  );
  return EXIT_CODES.completed;
}

export async function compareAction(
  beforeFile: string,
  afterFile: string,
  flags: { stagingEvidence?: string; rehearsalId: string; limit: number; markdown?: string; json?: boolean },
): Promise<number> {
  const before = parseSnapshot(
    await readJson(beforeFile, 'before snapshot file'),
    `before snapshot ${beforeFile}`,
  );
  const after = parseSnapshot(
    await readJson(afterFile, 'after snapshot file'),
    `after snapshot ${afterFile}`,
  );
  const stagingEvidence =
    flags.stagingEvidence === undefined
      ? {}
      : parseOrThrow(
          z.record(z.string(), z.unknown()),
          await readJson(flags.stagingEvidence, 'staging evidence file'),
          `staging evidence ${flags.stagingEvidence}`,
        );
  const report = compareSnapshots(before, after, {
    rehearsalId: flags.rehearsalId,
    stagingEvidence,
    limit: flags.limit,
  });
  if (flags.markdown) await writeFile(flags.markdown, renderProofMarkdown(report), 'utf8');
  if (flags.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else
    process.stdout.write(
      formatProofSummary(
        report,
        flags.stagingEvidence === undefined
          ? [
              'no --staging-evidence: NT-6 and NT-7 rest on facts only the staging surface can give, so this compare is at best INCONCLUSIVE',
            ]
          : [],
      ),
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
