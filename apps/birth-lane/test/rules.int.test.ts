import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT_CODES, ruleSetHash, ruleSetSchema } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { defaultRuleSet } from '@birth-lane/inspect-producer';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { installLane } from '../src/lane/install-lane.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ setupSql: [] });
const env = () => ({ DATABASE_URL: t.db.connectionString });

/** The default rule set under 1.1.0 with unknown collections let through and a shorter name limit. */
const next = ruleSetSchema.parse({
  ...defaultRuleSet,
  version: '1.1.0',
  description: 'Lets unlisted collections through.',
  stages: {
    ...defaultRuleSet.stages,
    stamp: defaultRuleSet.stages.stamp.map((check) =>
      check.id === 'stamp.name.length' ? { ...check, max: 5 } : check,
    ),
    gate: defaultRuleSet.stages.gate.map((check) =>
      check.kind === 'species_fit' ? { ...check, unlisted: 'pass' as const } : check,
    ),
  },
});
let directory: string;

async function snapshot() {
  const { rows } = await t.db.pool.query(
    `select (select count(*)::int from birth_lane.evidence) as evidence,
            (select count(*)::int from birth_lane.rule_sets) as rule_sets,
            (select count(*)::int from public.birth_registry where inspect_pen is not null) as stamped`,
  );
  return rows[0];
}

beforeAll(async () => {
  await installLane(t.db.pool);
  directory = await mkdtemp(join(tmpdir(), 'birth-lane-rules-'));
  await writeFile(join(directory, 'next.json'), JSON.stringify(next));
  await writeFile(
    join(directory, 'broken.json'),
    JSON.stringify({
      version: '1.2.0',
      stages: {
        pen: [{ id: 'pen.code.shape', kind: 'pattern', field: 'entity_code', pattern: '^[]A$' }],
        stamp: [{ id: 'stamp.when.text', kind: 'length', field: 'born_at', max: 3 }],
        gate: [{ id: 'gate.fit', kind: 'species_fit', allowed: { fauna: ['SP-1'] } }],
      },
    }),
  );
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
     values ('ENT-001', 'fauna', 'SP-MAMMAL', 'dot://a', 'Cat', 'A small domesticated mammal.', 'active'),
            ('ENT-002', 'widgets', 'SP-GEAR', 'dot://b', 'Gear', 'A toothed wheel of some sort.', 'active'),
            ('ENT-003', 'fauna', 'SP-MAMMAL', 'dot://c', 'A long name', 'A large domesticated mammal.', 'active')`,
  );
});

describe('birth-lane rules', () => {
  it('list and show the stored rule sets; install left the default as a draft', async () => {
    const list = await runCli(['rules', 'list', '--json'], env());
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      ruleSets: [{ version: '1.0.0', status: 'draft', hash: ruleSetHash(defaultRuleSet) }],
      compiled: { version: null, hash: null },
    });
    const show = await runCli(['rules', 'show', '1.0.0'], env());
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/rule set 1\.0\.0 \(draft\)/);
    expect(show.stdout).toMatch(/pen\.entity_code\.shape\s+pattern/);
    const usage = await runCli(['rules', 'show', 'v1'], env());
    expect(usage.code).toBe(EXIT_CODES.usage);
    expect(usage.stderr).toMatch(/<version>.*1\.1\.0/);
  }, 120_000);

  it('check names the check and the rule of each problem, and touches nothing', async () => {
    const before = await snapshot();
    const result = await runCli(['rules', 'check', join(directory, 'broken.json')], env());
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stdout).toMatch(
      /check pen\.code\.shape \(stages\.pen\.0\.pattern\): .*\(rule: portable_regex\)/,
    );
    expect(result.stdout).toMatch(
      /check stamp\.when\.text \(stages\.stamp\.0\.field\): .*\(rule: text_field\)/,
    );
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it('check previews a valid rule set against the live registry, writing nothing', async () => {
    const before = await snapshot();
    const result = await runCli(['rules', 'check', join(directory, 'next.json'), '--json'], env());
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      file: join(directory, 'next.json'),
      version: '1.1.0',
      hash: ruleSetHash(next),
      stored: 'absent',
      preview: {
        version: '1.1.0',
        rows: 3,
        passing: { pen: 3, stamp: 2, gate: 2 },
        topFailingChecks: [{ stage: 'stamp', checkId: 'stamp.name.length', rows: 1 }],
      },
    });
    const human = await runCli(['rules', 'check', join(directory, 'next.json')], env());
    expect(human.stdout).toMatch(/then GATE\s+2/);
    expect(await snapshot()).toEqual(before);
  }, 120_000);

  it('save stores a draft; activate needs its approval, uses it once, and compiles the inspection', async () => {
    const saved = await runCli(['rules', 'save', join(directory, 'next.json')], env());
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/rule set 1\.1\.0 saved as a draft/);
    expect(saved.stdout).toMatch(/rules activate 1\.1\.0 --approval <id>/);

    const refused = await runCli(['rules', 'activate', '1.1.0', '--approval', '424242'], env());
    expect(refused.code).toBe(EXIT_CODES.failed);
    expect(refused.stderr).toMatch(/APPROVAL_REQUIRED/);

    const approvalId = await approveWithDemoLogins(
      t.db.pool,
      (login, password) => t.db.connectAs(login, password),
      {
        action: 'rule_set_activation',
        scope: { version: '1.1.0', hash: ruleSetHash(next) },
      },
    );
    const activated = await runCli(['rules', 'activate', '1.1.0', '--approval', approvalId, '--json'], env());
    expect(activated.code).toBe(0);
    expect(JSON.parse(activated.stdout)).toMatchObject({ version: '1.1.0', changed: true, previous: null });
    const list = JSON.parse((await runCli(['rules', 'list', '--json'], env())).stdout);
    expect(list.compiled).toEqual({ version: '1.1.0', hash: ruleSetHash(next) });

    const run = await runCli(['run', '--json'], env());
    expect(JSON.parse(run.stdout)).toMatchObject({ ruleSetVersion: '1.1.0', passed: { gate: 2 } });

    // The same approval for the default rule set's scope does not exist; reusing this one is refused.
    const reuse = await runCli(['rules', 'activate', '1.0.0', '--approval', approvalId], env());
    expect(reuse.code).toBe(EXIT_CODES.failed);
    expect(reuse.stderr).toMatch(/APPROVAL_REQUIRED/);
    const usage = await runCli(['rules', 'activate', '1.0.0', '--approval', 'x'], env());
    expect(usage.code).toBe(EXIT_CODES.usage);
  }, 180_000);

  it('diff lists checks changed per stage, from stored versions or files', async () => {
    const result = await runCli(['rules', 'diff', '1.0.0', '1.1.0', '--json'], env());
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout);
    expect(diff.identical).toBe(false);
    expect(diff.stages.stamp.changed.map((change: { id: string }) => change.id)).toEqual([
      'stamp.name.length',
    ]);
    expect(diff.stages.gate.changed.map((change: { id: string }) => change.id)).toEqual([
      'gate.species_code.fits_collection',
    ]);
    expect(diff.stages.pen).toMatchObject({ added: [], removed: [], changed: [] });
    const human = await runCli(['rules', 'diff', '1.1.0', join(directory, 'next.json')], env());
    expect(human.stdout).toMatch(/the same checks in the same order/);
  }, 120_000);
});
