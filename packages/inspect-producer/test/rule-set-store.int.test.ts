import {
  BirthLaneError,
  contractSteps,
  PostgresEvidenceSink,
  type RuleSet,
  ruleSetHash,
  ruleSetSchema,
  SQLSTATE,
  sqlStateOf,
  ValidationError,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { ruleSetSteps } from '../src/rule-set-steps.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { activateRuleSet, loadActiveRuleSet, saveRuleSet } from '../src/rules/rule-set-store.js';
import { approveActivation, saveAndActivate } from './activate.js';

const SETUP = [...contractSteps, ...ruleSetSteps].map((step) => step.mutation);

/** The default rule set under another version (and so another hash), optionally with a change. */
function variant(
  version: string,
  change: (stages: RuleSet['stages']) => RuleSet['stages'] = (stages) => stages,
): RuleSet {
  return ruleSetSchema.parse({
    ...defaultRuleSet,
    version,
    stages: change(structuredClone(defaultRuleSet.stages)),
  });
}

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('saveRuleSet', () => {
  const t = useTestDatabase({ name: 'rule-set-save', setupSql: SETUP });

  it('stores a rule set as a draft with its content hash', async () => {
    const saved = await saveRuleSet(t.db.pool, { ...defaultRuleSet, status: 'active' });
    expect(saved).toEqual({ version: '1.0.0', hash: ruleSetHash(defaultRuleSet), created: true });
    const { rows } = await t.db.pool.query('select status, hash, activated_at from birth_lane.rule_sets');
    expect(rows).toEqual([{ status: 'draft', hash: saved.hash, activated_at: null }]);
  });

  it('treats saving the identical rule set again as a no-op', async () => {
    expect(await saveRuleSet(t.db.pool, defaultRuleSet)).toMatchObject({ version: '1.0.0', created: false });
  });

  it('refuses different content under a version already stored, and keeps the stored one', async () => {
    const changed = ruleSetSchema.parse({
      ...defaultRuleSet,
      stages: { ...defaultRuleSet.stages, stamp: defaultRuleSet.stages.stamp.slice(0, 2) },
    });
    const error = await caught(() => saveRuleSet(t.db.pool, changed));
    expect(ValidationError.isInstance(error) && error.issues[0]).toMatchObject({
      field: 'version',
      rule: 'immutable_version',
    });
    const { rows } = await t.db.pool.query('select hash from birth_lane.rule_sets where version = $1::text', [
      '1.0.0',
    ]);
    expect(rows[0].hash).toBe(ruleSetHash(defaultRuleSet));
  });

  it('refuses a rule set that is not schema-valid, naming the field', async () => {
    const broken = { ...defaultRuleSet, version: 'v2' } as RuleSet;
    const error = await caught(() => saveRuleSet(t.db.pool, broken));
    expect(ValidationError.isInstance(error) && error.issues[0]?.field).toBe('version');
  });
});

describe('activateRuleSet and loadActiveRuleSet', () => {
  const t = useTestDatabase({ name: 'rule-set-activate', setupSql: SETUP });
  const activationRecords = async () =>
    (await new PostgresEvidenceSink(t.db.pool).list({ kind: 'rule_set_activated' })).map(
      (item) => item.record,
    );

  it('reports not-ok, without throwing, while no rule set is active', async () => {
    expect(await loadActiveRuleSet(t.db.pool)).toEqual({
      ok: false,
      reason: expect.stringMatching(/no rule set is active/),
    });
    await saveRuleSet(t.db.pool, defaultRuleSet);
    expect((await loadActiveRuleSet(t.db.pool)).ok).toBe(false);
  });

  it('activates a saved rule set with its approval and records the login in the evidence log', async () => {
    const approvalId = await approveActivation(t.db, defaultRuleSet);
    const activated = await activateRuleSet(t.db.pool, '1.0.0', { approvalId });
    const hash = ruleSetHash(defaultRuleSet);
    const { rows: who } = await t.db.pool.query<{ login: string }>('select session_user::text as login');
    expect(activated).toEqual({
      version: '1.0.0',
      hash,
      previous: null,
      changed: true,
      activatedBy: who[0]!.login,
    });

    const loaded = await loadActiveRuleSet(t.db.pool);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.hash).toBe(hash);
    expect(loaded.ruleSet).toEqual({ ...defaultRuleSet, status: 'active' });
    expect(loaded.activatedAt).toBeInstanceOf(Date);

    expect(await activationRecords()).toEqual([
      { kind: 'rule_set_activated', version: '1.0.0', hash, activatedBy: who[0]!.login },
    ]);
    const { rows: compiled } = await t.db.pool.query(
      'select version, hash from birth_lane.compiled_rule_set()',
    );
    expect(compiled).toEqual([{ version: '1.0.0', hash }]);
  });

  it('keeps exactly one active: activating another retires the previous one', async () => {
    const next = variant('1.1.0', (stages) => ({
      ...stages,
      stamp: stages.stamp.filter((check) => check.kind !== 'length'),
    }));
    await saveRuleSet(t.db.pool, next);
    const approvalId = await approveActivation(t.db, next);
    const activated = await activateRuleSet(t.db.pool, '1.1.0', { approvalId });
    expect(activated).toMatchObject({ version: '1.1.0', previous: '1.0.0', changed: true });

    const { rows } = await t.db.pool.query(
      'select version, status from birth_lane.rule_sets order by version',
    );
    expect(rows).toEqual([
      { version: '1.0.0', status: 'retired' },
      { version: '1.1.0', status: 'active' },
    ]);
    const loaded = await loadActiveRuleSet(t.db.pool);
    expect(loaded.ok && loaded.ruleSet.version).toBe('1.1.0');
    expect(await activationRecords()).toHaveLength(2);
  });

  it('changes nothing, uses no approval and appends nothing when the version is already active', async () => {
    expect(await activateRuleSet(t.db.pool, '1.1.0', { approvalId: '999999' })).toMatchObject({
      changed: false,
    });
    expect(await activationRecords()).toHaveLength(2);
  });

  it('re-activates a retired version with a new approval (rolling a rule change back)', async () => {
    const approvalId = await approveActivation(t.db, defaultRuleSet);
    expect(await activateRuleSet(t.db.pool, '1.0.0', { approvalId })).toMatchObject({
      previous: '1.1.0',
      changed: true,
    });
    const loaded = await loadActiveRuleSet(t.db.pool);
    expect(loaded.ok && loaded.ruleSet.version).toBe('1.0.0');
  });

  it('lets the database itself refuse a second active row', async () => {
    const error = await caught(() =>
      t.db.pool.query(
        "update birth_lane.rule_sets set status = 'active', activated_at = now() where version = '1.1.0'",
      ),
    );
    expect(sqlStateOf(error)).toBe(SQLSTATE.uniqueViolation);
  });

  it('refuses an unknown version and a malformed approval id, changing nothing', async () => {
    const unknown = await caught(() => activateRuleSet(t.db.pool, '7.0.0', { approvalId: '1' }));
    expect(ValidationError.isInstance(unknown) && unknown.issues[0]).toMatchObject({
      field: 'version',
      rule: 'exists',
    });
    const malformed = await caught(() => activateRuleSet(t.db.pool, '1.1.0', { approvalId: '  ' }));
    expect(ValidationError.isInstance(malformed) && malformed.issues[0]?.field).toBe('approvalId');
    const loaded = await loadActiveRuleSet(t.db.pool);
    expect(loaded.ok && loaded.ruleSet.version).toBe('1.0.0');
    expect(await activationRecords()).toHaveLength(3);
  });

  it('serialises concurrent activations: one active at the end, one evidence record each', async () => {
    const first = variant('2.0.0');
    const second = variant('2.1.0');
    await saveRuleSet(t.db.pool, first);
    await saveRuleSet(t.db.pool, second);
    const [firstApproval, secondApproval] = [
      await approveActivation(t.db, first),
      await approveActivation(t.db, second),
    ];
    const results = await Promise.all([
      activateRuleSet(t.db.pool, '2.0.0', { approvalId: firstApproval }),
      activateRuleSet(t.db.pool, '2.1.0', { approvalId: secondApproval }),
    ]);
    expect(results.every((result) => result.changed)).toBe(true);
    const { rows } = await t.db.pool.query(
      "select version, hash from birth_lane.rule_sets where status = 'active'",
    );
    expect(rows).toHaveLength(1);
    const { rows: compiled } = await t.db.pool.query('select hash from birth_lane.compiled_rule_set()');
    expect(compiled[0].hash).toBe(rows[0].hash);
    expect(await activationRecords()).toHaveLength(5);
  });
});

describe('tampering is detected', () => {
  const t = useTestDatabase({ name: 'rule-set-tamper', setupSql: SETUP });

  it('answers not-ok when the active document was edited behind the store (hash mismatch)', async () => {
    await saveAndActivate(t.db, defaultRuleSet);
    // What someone with direct table access might do: let unlisted collections through.
    await t.db.pool.query(
      `update birth_lane.rule_sets set document = jsonb_set(document, '{stages,gate,1,unlisted}', '"pass"')
        where version = '1.0.0'`,
    );
    const loaded = await loadActiveRuleSet(t.db.pool);
    expect(loaded).toEqual({ ok: false, reason: expect.stringMatching(/no longer matches its hash/) });
  });

  it('answers not-ok when the stored document no longer satisfies the schema', async () => {
    await t.db.pool.query(
      `update birth_lane.rule_sets set document = document - 'stages' where version = '1.0.0'`,
    );
    expect(await loadActiveRuleSet(t.db.pool)).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not satisfy the rule-set schema: stages: .*required/),
    });
  });

  it('answers not-ok when the document was moved under another version', async () => {
    const other = variant('3.0.0');
    await saveRuleSet(t.db.pool, other);
    await t.db.pool.query(
      `update birth_lane.rule_sets set document = (select document from birth_lane.rule_sets where version = '3.0.0')
        where version = '1.0.0'`,
    );
    expect(await loadActiveRuleSet(t.db.pool)).toEqual({
      ok: false,
      reason: expect.stringMatching(/version 3\.0\.0/),
    });
  });

  it('refuses to activate a tampered draft and leaves the active one as it was', async () => {
    await t.db.pool.query(
      `update birth_lane.rule_sets set document = jsonb_set(document, '{stages,pen,0,field}', '"name"') where version = '3.0.0'`,
    );
    const error = await caught(() => activateRuleSet(t.db.pool, '3.0.0', { approvalId: '1' }));
    expect(BirthLaneError.isInstance(error) && error.code).toBe('CONFIGURATION_INVALID');
    expect((error as Error).message).toMatch(/3\.0\.0.*no longer matches its hash/);
    const { rows } = await t.db.pool.query(
      "select version from birth_lane.rule_sets where status = 'active'",
    );
    expect(rows).toEqual([{ version: '1.0.0' }]);
  });
});

describe('privileges', () => {
  const t = useTestDatabase({ name: 'rule-set-privileges', setupSql: SETUP });

  it('lets the producer role read the active rule set but not write rule sets', async () => {
    await saveAndActivate(t.db, defaultRuleSet);
    const client = await t.db.connect();
    try {
      await client.query('set role birth_lane_producer');
      const loaded = await loadActiveRuleSet(client);
      expect(loaded.ok).toBe(true);
      const error = await caught(() => saveRuleSet(client, variant('4.0.0')));
      expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
      const update = await caught(() => client.query("update birth_lane.rule_sets set status = 'retired'"));
      expect(sqlStateOf(update)).toBe(SQLSTATE.insufficientPrivilege);
    } finally {
      await client.query('reset role');
    }
  });
});

describe('without the store installed', () => {
  const t = useTestDatabase({
    name: 'rule-set-absent',
    setupSql: contractSteps.map((step) => step.mutation),
  });

  it('answers not-ok instead of throwing', async () => {
    expect(await loadActiveRuleSet(t.db.pool)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not installed/),
    });
  });
});
