import { EXIT_CODES } from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeLaneTemplate } from './active-lane-template.js';
import { runCli } from './run-cli.js';

const t = useTestDatabase({ template: activeLaneTemplate });

/** One row of each story, inspected by a real `birth-lane run`. */
beforeAll(async () => {
  await t.db.pool.query(
    "insert into birth_lane.canonical_collections (collection_name) values ('minerals') on conflict do nothing",
  );
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status)
     values ('ENT-001', 'fauna', 'SP-MAMMAL', 'dot://a', now() - interval '1 day', 'A cat', 'A small domesticated mammal.', 'active'),
            ('ENT-002', 'fauna', 'SP-MAMMAL', 'dot://a', now() - interval '1 day', null, 'A small domesticated mammal.', 'active'),
            ('ENT-003', 'minerals', 'SP-OXIDE', 'dot://a', now() - interval '1 day', 'Iron oxide', 'A canonical mineral entity.', 'active')`,
  );
  // An ambiguous row (GATE without PEN) is field history the lane now refuses: load it as the seed does.
  const client = await t.db.pool.connect();
  try {
    await client.query('set session_replication_role = replica');
    await client.query(
      `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status, inspect_gate)
       values ('ENT-004', 'flora', 'SP-TREE', 'dot://a', now() - interval '1 day', 'An oak', 'A tree of the flora collection.', 'active', now() - interval '90 days')`,
    );
    await client.query('set session_replication_role = origin');
  } finally {
    client.release();
  }
  const run = await runCli(['run', '--json'], { DATABASE_URL: t.db.connectionString });
  expect(run.code, run.stderr).toBe(EXIT_CODES.completed);
});

async function explain(code: string) {
  const env = { DATABASE_URL: t.db.connectionString };
  const [human, json] = await Promise.all([
    runCli(['explain', code], env),
    runCli(['explain', code, '--json'], env),
  ]);
  expect(human.code, human.stderr).toBe(0);
  expect(json.code, json.stderr).toBe(0);
  return { text: human.stdout, story: JSON.parse(json.stdout) };
}

describe('birth-lane explain <entity_code>', () => {
  it('a certified row: its three stamps and when it was certified', async () => {
    const { text, story } = await explain('ENT-001');
    expect(story).toMatchObject({
      verdict: 'certified',
      certified: true,
      stampState: 'complete',
      failures: [],
    });
    expect(story.stamps.pen).not.toBeNull();
    expect(text).toMatch(/verdict\s+certified/);
    expect(text).toContain(`certified     yes, at ${story.certifiedAt}`);
  });

  it('a failing row: the failure with its rule-set hash, and what would fix it', async () => {
    const { text, story } = await explain('ENT-002');
    expect(story.verdict).toBe('failing');
    expect(story.failures).toContainEqual(
      expect.objectContaining({
        stage: 'stamp',
        checkId: 'stamp.name.required',
        ruleSetHash: story.activeRuleSetHash,
        underActiveRuleSet: true,
      }),
    );
    expect(story.next).toContain('stamp:stamp.name.required');
    expect(text).toContain('stamp.name.required');
    expect(text).toContain(`rule set ${story.activeRuleSetHash.slice(0, 12)}…, active`);
  });

  it('an ambiguous row: why, and that a person must resolve it', async () => {
    const { text, story } = await explain('ENT-004');
    expect(story).toMatchObject({ verdict: 'ambiguous', ambiguity: { reason: 'gate_without_pen' } });
    expect(story.ambiguity.runId).not.toBeNull();
    expect(text).toMatch(/ambiguous\s+gate_without_pen \(recorded/);
    expect(story.next).toMatch(/a person must resolve it/);
  });

  it('a canonical row awaiting promotion: its request, votes and the quorum it needs', async () => {
    const { text, story } = await explain('ENT-003');
    expect(story).toMatchObject({
      verdict: 'awaiting_promotion',
      canonical: true,
      certified: false,
      stampState: 'complete',
      promotion: { risk: 'high', quorumMet: false, votes: [] },
    });
    expect(story.next).toContain(`approval request ${story.promotion.requestId}`);
    expect(text).toMatch(/promotion\s+request \d+ \(high risk/);
    expect(text).toContain('no votes yet');
  });

  it('a canonical collection is matched by its key, as the certify trigger matches it (`MINERALS` is `minerals`)', async () => {
    const env = { DATABASE_URL: t.db.connectionString };
    const awaiting = async () =>
      JSON.parse((await runCli(['status', '--json'], env)).stdout).backlogByCause.awaitingPromotion as number;
    const before = await awaiting();
    // Complete stamps, in order, not certified: as a row the trigger sent to promotion, loaded as the seed does.
    const client = await t.db.pool.connect();
    try {
      await client.query('set session_replication_role = replica');
      await client.query(
        `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, born_at, name, description, status,
                                            inspect_pen, inspect_stamp, inspect_gate)
         values ('ENT-005', 'MINERALS', 'SP-OXIDE', 'dot://a', now() - interval '1 day', 'Quartz', 'A canonical mineral entity.', 'active',
                 now() - interval '3 hours', now() - interval '2 hours', now() - interval '1 hour')`,
      );
      await client.query('set session_replication_role = origin');
    } finally {
      client.release();
    }
    const { story } = await explain('ENT-005');
    expect(story).toMatchObject({ canonical: true, stampState: 'complete', verdict: 'awaiting_promotion' });
    expect(await awaiting()).toBe(before + 1);
  });

  it('`failures` lists the newest first by the bigint id (not by its text: `9` sorts after `10`)', async () => {
    const { rows: row } = await t.db.pool.query<{ id: string }>(
      "select id::text as id from public.birth_registry where entity_code = 'ENT-002'",
    );
    // As the superuser, enough records to cross from one-digit to two-digit ids and beyond.
    await t.db.pool.query(
      `insert into birth_lane.evidence (kind, row_id, entity_code, stage, check_id, rule_set_hash, message)
       select 'inspection_failure', $1::bigint, 'ENT-002', 'stamp', 'test.order.' || i, $2::text, 'order test'
         from generate_series(1, 15) as i`,
      [row[0]!.id, 'f'.repeat(64)],
    );
    const { rows: newest } = await t.db.pool.query<{ id: string }>(
      "select max(id)::text as id from birth_lane.evidence where kind = 'inspection_failure'",
    );
    const result = await runCli(['failures', '--limit', '1', '--json'], {
      DATABASE_URL: t.db.connectionString,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).failures[0].evidenceId).toBe(newest[0]!.id);
  });

  it('an unknown entity code: exit 1 and a message, nothing on stdout', async () => {
    const result = await runCli(['explain', 'ENT-999'], { DATABASE_URL: t.db.connectionString });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ENT-999');
  });
});
