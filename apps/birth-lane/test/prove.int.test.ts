import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestDatabase } from '@birth-lane/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { laneSteps } from '../src/lane/lane-steps.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: laneSteps.map((step) => step.mutation), name: 'prove-cli' });
// Random name and password: roles are cluster-wide, and a login left behind must be no way in.
const login = `bl_c_prove_${randomBytes(4).toString('hex')}`;
const password = randomBytes(18).toString('hex');

/** Writes past the lane's guards (a superuser setting), as a leak would; the lane refuses it to its clients. */
async function writeAsLeak(sql: string): Promise<void> {
  const client = await t.db.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('birth-lane prove', () => {
  let dir: string;
  let readerEnv: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prove-cli-'));
    await writeAsLeak(
      `insert into public.birth_registry (id, entity_code, collection_name, dot_origin, name)
       select i, 'ENT-' || lpad(i::text, 8, '0'), 'fauna', 'dot://x', 'Entity ' || i from generate_series(1, 500) as i`,
    );
    await t.db.pool.query(`create role ${login} login password '${password}' in role birth_lane_reader`);
    const url = new URL(t.db.connectionString);
    url.username = login;
    url.password = password;
    readerEnv = { DATABASE_URL: url.toString() };
  });

  afterAll(async () => {
    await t.db.pool.query(`drop role if exists ${login}`);
  });

  it('snapshots as a birth_lane_reader login, the after --since the before; compare is at best INCONCLUSIVE (5), 4 after a change, and 64 for a file compared with itself', async () => {
    const before = join(dir, 'before.json');
    const snapshot = await runCli(['prove', 'snapshot', '--out', before, '--json'], readerEnv);
    expect(snapshot.stderr).not.toMatch(/error/i);
    expect(snapshot.code).toBe(0);
    expect(JSON.parse(snapshot.stdout)).toMatchObject({
      file: before,
      rowCount: 500,
      takenBy: login,
      since: null,
    });

    const quietAfter = join(dir, 'quiet-after.json');
    const quietSnapshot = await runCli(
      ['prove', 'snapshot', '--since', before, '--out', quietAfter, '--json'],
      readerEnv,
    );
    expect(quietSnapshot.code).toBe(0);
    expect(JSON.parse(quietSnapshot.stdout)).toMatchObject({ since: { writtenRows: 0, writtenIds: [] } });
    // No staging evidence on this path (the flag is gone): at best INCONCLUSIVE, never PASS.
    const quiet = await runCli(['prove', 'compare', before, quietAfter], readerEnv);
    expect(quiet.code).toBe(5);
    expect(quiet.stdout).toMatch(/standalone compare has no staging evidence[\s\S]*verdict: INCONCLUSIVE/);
    const withEvidence = await runCli(
      ['prove', 'compare', before, quietAfter, '--staging-evidence', before],
      readerEnv,
    );
    expect(withEvidence.code).toBe(64);
    const itself = await runCli(['prove', 'compare', before, before], readerEnv);
    expect(itself.code).toBe(64);
    expect(itself.stderr).toMatch(/after\.snapshotId: is the before snapshot itself/);

    await writeAsLeak('update public.birth_registry set inspect_pen = now() where id = 321');
    const after = join(dir, 'after.json');
    expect((await runCli(['prove', 'snapshot', '--since', before, '--out', after], readerEnv)).code).toBe(0);
    const markdown = join(dir, 'proof.md');
    const failed = await runCli(['prove', 'compare', before, after, '--markdown', markdown], readerEnv);
    expect(failed.code).toBe(4);
    expect(failed.stdout).toMatch(/NT-1 BROKEN +\[F-OPEN-1\] production inspect_\* stamps changed at id 321/);
    expect(failed.stdout).toMatch(/NT-7 BROKEN +\[F-OPEN-8\]/);
    expect(await readFile(markdown, 'utf8')).toMatch(/^# No-production-touch proof: FAIL/);
  }, 120_000);

  it('refuses an unwritable --out before snapshotting, and a file that is not a snapshot in one line: exit 64', async () => {
    const out = await runCli(['prove', 'snapshot', '--out', '/nonexistent/a.json'], readerEnv);
    expect(out.code).toBe(64);
    expect(out.stderr).toMatch(/--out \/nonexistent\/a\.json: its directory \/nonexistent does not exist/);
    const other = join(dir, 'rs.json');
    await writeFile(other, JSON.stringify({ version: '1.0.0', checks: [] }));
    const before = join(dir, 'before.json');
    const result = await runCli(['prove', 'compare', before, other], readerEnv);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/format: is not a birth-lane snapshot/);
    expect(result.stderr).not.toMatch(/received Date/);
  });

  it('refuses a broken snapshot file with exit 64, naming the file and the field', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(
      broken,
      JSON.stringify({ format: 'birth-lane.production-snapshot', version: 2, rowCount: -1 }),
    );
    const result = await runCli(['prove', 'compare', broken, broken], readerEnv);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/broken\.json[\s\S]*rowCount: .*\(rule: min\)/);
  });
});
