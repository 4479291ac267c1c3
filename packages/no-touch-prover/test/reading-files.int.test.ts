import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES, type ProductionSnapshot, ValidationError } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { compareAction } from '../src/cli/prove-actions.js';
import { parseSnapshot, takeSnapshot } from '../src/index.js';
import { SETUP_SQL, seedAndSettle } from './support.js';

const test = useTestDatabase({ setupSql: SETUP_SQL, name: 'prover_files' });
const FLAGS = { rehearsalId: 'files', limit: 20, json: true };

/** What a refused input says: the ValidationError's issues (a crash or another error fails the test). */
function issuesOf(work: () => unknown): { field: string; rule: string }[] {
  try {
    work();
  } catch (error) {
    expect(ValidationError.isInstance(error), String(error)).toBe(true);
    return (error as ValidationError).issues.map(({ field, rule }) => ({ field, rule }));
  }
  throw new Error('the input was accepted');
}

/** The message of a refused input. */
function issuesMessage(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    return String((error as Error).message);
  }
  throw new Error('the input was accepted');
}

describe('reading snapshot files', () => {
  let dir: string;
  let snapshot: ProductionSnapshot;
  let good: string;
  let quietAfter: string;
  let stdout: string;

  beforeAll(async () => {
    await seedAndSettle(test.db, 1, 300);
    snapshot = await takeSnapshot(test.db.pool, { bucketSize: 32 });
    dir = await mkdtemp(join(tmpdir(), 'prover-files-'));
    good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(snapshot));
    quietAfter = join(dir, 'quiet-after.json');
    await writeFile(
      quietAfter,
      JSON.stringify(await takeSnapshot(test.db.pool, { bucketSize: 32, since: snapshot })),
    );
  });

  const write = async (name: string, content: string) => {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  };
  const run = async (...args: Parameters<typeof compareAction>) => {
    stdout = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    try {
      return await compareAction(...args);
    } finally {
      spy.mockRestore();
    }
  };

  it('reads back what it wrote; a standalone compare is at best INCONCLUSIVE, and a file compared with itself is refused', async () => {
    const text = await readFile(good, 'utf8');
    expect(parseSnapshot(JSON.parse(text))).toEqual(snapshot);
    const markdown = join(dir, 'proof.md');
    expect(await run(good, quietAfter, { ...FLAGS, markdown })).toBe(EXIT_CODES.proof_inconclusive);
    expect(JSON.parse(stdout)).toMatchObject({ verdict: 'INCONCLUSIVE', stagingEvidence: {} });
    expect(await readFile(markdown, 'utf8')).toContain('# No-production-touch proof: INCONCLUSIVE');
    await expect(run(good, good, FLAGS)).rejects.toThrow(/after\.snapshotId: is the before snapshot itself/);
  });

  it('exits 4 on FAIL', async () => {
    await test.db.pool.query('update public.birth_registry set inspect_gate = now() where id = 17');
    const after = await write(
      'after.json',
      JSON.stringify(await takeSnapshot(test.db.pool, { bucketSize: 32, since: snapshot })),
    );
    expect(await run(good, after, FLAGS)).toBe(EXIT_CODES.proof_failed);
    expect(JSON.parse(stdout).claims[0]).toMatchObject({
      id: 'NT-1',
      holds: false,
      changes: { ids: ['17'] },
    });
  });

  it('refuses a file that is not a snapshot with one line naming the format, and a date that is not one by field', async () => {
    const ruleSet = await write('rule-set.json', JSON.stringify({ version: '1.0.0', checks: [] }));
    const refused = await run(good, ruleSet, FLAGS).catch((error: unknown) => error);
    expect(ValidationError.isInstance(refused)).toBe(true);
    expect((refused as ValidationError).issues).toEqual([
      expect.objectContaining({ field: 'format', rule: 'one_of' }),
    ]);
    expect(String((refused as Error).message)).toMatch(
      /is not a birth-lane snapshot: a snapshot file is the JSON/,
    );
    expect(
      issuesOf(() => parseSnapshot({ ...JSON.parse(JSON.stringify(snapshot)), takenAt: 'soon' })),
    ).toEqual([{ field: 'takenAt', rule: 'type' }]);
    expect(
      String(
        issuesMessage(() => parseSnapshot({ ...JSON.parse(JSON.stringify(snapshot)), takenAt: 'soon' })),
      ),
    ).not.toMatch(/received Date/);
  });

  it('refuses an unwritable --markdown before reading anything: exit 64 naming the flag', async () => {
    const refused = await run(good, quietAfter, { ...FLAGS, markdown: '/nonexistent/proof.md' }).catch(
      (error: unknown) => error,
    );
    expect((refused as { exitCode?: number }).exitCode).toBe(EXIT_CODES.usage);
    expect(String((refused as Error).message)).toMatch(
      /--markdown \/nonexistent\/proof\.md: its directory \/nonexistent does not exist/,
    );
  });

  it.each([
    [
      'a wrong type',
      (s: Record<string, unknown>) => ({ ...s, rowCount: 'many' }),
      [{ field: 'rowCount', rule: 'type' }],
    ],
    [
      'a missing figure',
      (s: Record<string, unknown>) => ({ ...s, identityChecksum: undefined }),
      [{ field: 'identityChecksum', rule: 'required' }],
    ],
    [
      'an unknown key',
      (s: Record<string, unknown>) => ({ ...s, verdict: 'PASS' }),
      [{ field: '(input)', rule: 'unknown_key' }],
    ],
    [
      'another format',
      (s: Record<string, unknown>) => ({ ...s, format: 'pg_dump' }),
      [{ field: 'format', rule: 'one_of' }],
    ],
    [
      'an older hashing version',
      (s: Record<string, unknown>) => ({ ...s, version: 1 }),
      [{ field: 'version', rule: 'one_of' }],
    ],
    [
      'a short bucket entry',
      (s: Record<string, unknown>) => ({
        ...s,
        buckets: { ...(s.buckets as object), entries: [['0', '1']] },
      }),
      [{ field: 'buckets.entries.0', rule: 'min' }],
    ],
    [
      'a hand-edited count',
      (s: Record<string, unknown>) => ({ ...s, rowCount: (s.rowCount as number) + 1 }),
      [{ field: 'rowCount', rule: 'matches_buckets' }],
    ],
    [
      'a hand-edited checksum',
      (s: Record<string, unknown>) => ({ ...s, canonicalChecksum: '0'.repeat(64) }),
      [{ field: 'canonicalChecksum', rule: 'matches_buckets' }],
    ],
    [
      'a hand-edited bucket sum',
      (s: Record<string, unknown>) => {
        const buckets = s.buckets as ProductionSnapshot['buckets'];
        const entries = buckets.entries.map((entry, index) =>
          index === 2 ? entry.map((v, i) => (i === 9 ? `${v}1` : v)) : entry,
        );
        return { ...s, buckets: { ...buckets, entries } };
      },
      [{ field: 'stampChecksums.gate', rule: 'matches_buckets' }],
    ],
  ])('refuses %s, naming the field, never crashing', (_what, edit, expected) => {
    const broken = edit(JSON.parse(JSON.stringify(snapshot)));
    expect(issuesOf(() => parseSnapshot(broken))).toEqual(expected);
  });

  it('reports a file that is missing, not JSON, or broken, by file and field, through the command', async () => {
    const missing = join(dir, 'nope.json');
    await expect(run(missing, good, FLAGS)).rejects.toThrow(
      /nope\.json: cannot be read: ENOENT \(rule: readable\)/,
    );
    const notJson = await write('half.json', JSON.stringify(snapshot).slice(0, 500));
    await expect(run(good, notJson, FLAGS)).rejects.toThrow(/half\.json: is not JSON.*\(rule: json\)/);
    const broken = await write('broken.json', JSON.stringify({ ...snapshot, maxId: -3 }));
    await expect(run(good, broken, FLAGS)).rejects.toThrow(
      /Invalid after snapshot .*broken\.json:\n {2}- maxId: /,
    );
  });
});
