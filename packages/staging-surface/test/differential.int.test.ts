import { ruleSetHash } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/testing';
import { activateRuleSet, defaultRuleSet, runProducer, saveRuleSet } from '@birth-lane/inspect-producer';
import { beforeAll, expect, it } from 'vitest';
import { createSurface } from '../src/create-surface.js';
import { runSurface } from '../src/run-surface.js';
import { readSurfaceOutcome } from '../src/surface-outcome.js';
import { compiler, goodRow, jsonl, useStagingDatabase } from './support.js';

// The surface's batch statement mirrors the producer's (a block may not import it): the same rows,
// judged once by production's producer in the registry and once in a surface under the same
// active rule set, must end with the same stamps and the same findings. (The app adds its own
// differential test over the composed lane.)
const t = useStagingDatabase();

const ROWS = [
  goodRow(1),
  goodRow(2, { description: 'short' }),
  goodRow(3, { species_code: 'SP-TREE' }),
  goodRow(4, { born_at: '2999-01-01T00:00:00Z' }),
  goodRow(5, { dot_origin: null, name: null }),
  goodRow(6, { governance_role: 'observed', description: 'short' }),
  goodRow(7, { inspect_gate: '2026-01-01T00:00:00Z' }),
  goodRow(8, { inspect_pen: '2026-01-01T00:00:00Z' }),
  goodRow(9, {
    inspect_pen: '2026-01-01T00:00:00Z',
    inspect_stamp: '2026-01-02T00:00:00Z',
    species_code: null,
  }),
  goodRow(10, { entity_code: 'lower-10', collection_name: 'nowhere' }),
  goodRow(11, { inspect_pen: '2026-01-02T00:00:00Z', inspect_stamp: '2026-01-01T00:00:00Z' }),
];

beforeAll(async () => {
  // Historical (even ambiguous) stamps are planted as the owner with the stud's INSERT guard off,
  // as a field registry holds them.
  await t.db.pool.query('alter table public.birth_registry disable trigger trg_birth_inspect_stud_insert');
  await t.db.pool.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, governance_role, born_at,
                                        name, description, status, inspect_pen, inspect_stamp, inspect_gate)
     select entity_code, collection_name, species_code, dot_origin, governance_role, born_at, name, description, status,
            inspect_pen, inspect_stamp, inspect_gate
       from jsonb_to_recordset($1::jsonb) as r(entity_code text, collection_name text, species_code text, dot_origin text,
            governance_role text, born_at timestamptz, name text, description text, status text,
            inspect_pen timestamptz, inspect_stamp timestamptz, inspect_gate timestamptz)`,
    [JSON.stringify(ROWS)],
  );
  await t.db.pool.query('alter table public.birth_registry enable trigger trg_birth_inspect_stud_insert');
  await saveRuleSet(t.db.pool, defaultRuleSet);
  const approval = await approveWithDemoLogins(
    t.db.pool,
    (login, password) => t.db.connectAs(login, password),
    {
      action: 'rule_set_activation',
      scope: { version: defaultRuleSet.version, hash: ruleSetHash(defaultRuleSet) },
    },
  );
  await activateRuleSet(t.db.pool, defaultRuleSet.version, { approvalId: approval });
});

it("a surface judges the same rows exactly as production's producer does", async () => {
  const surface = await createSurface(t.db.pool, {
    compiler,
    input: {
      kind: 'fixtures',
      fileName: 'same.jsonl',
      text: jsonl(ROWS),
      format: 'jsonl',
      keepBadRows: true,
    },
  });
  expect(surface.manifest.ruleSetHash).toBe(ruleSetHash(defaultRuleSet));
  await runSurface(t.db.pool, surface.surfaceId, { compiler });
  const staging = await readSurfaceOutcome(t.db.pool, surface.surfaceId);

  await runProducer(t.db.pool, { channel: 'once' });
  const { rows: production } = await t.db.pool.query<{
    entity_code: string;
    pen: boolean;
    stamp: boolean;
    gate: boolean;
    findings: string[];
  }>(
    `select r.entity_code, r.inspect_pen is not null as pen, r.inspect_stamp is not null as stamp, r.inspect_gate is not null as gate,
            coalesce((select array_agg(case when e.kind = 'ambiguous_row' then e.check_id else e.stage || ':' || e.check_id end order by 1)
                        from birth_lane.evidence e where e.row_id = r.id and e.kind in ('inspection_failure', 'ambiguous_row')), '{}') as findings
       from public.birth_registry r order by r.entity_code`,
  );
  const byCode = <T extends { findings: readonly string[] }>(
    rows: readonly (T & { code: string | null })[],
  ) => Object.fromEntries(rows.map(({ code, ...rest }) => [code, rest]));
  expect(
    byCode(
      staging.map(({ entityCode, pen, stamp, gate, findings }) => ({
        code: entityCode,
        pen,
        stamp,
        gate,
        findings,
      })),
    ),
  ).toEqual(
    byCode(
      production.map(({ entity_code, pen, stamp, gate, findings }) => ({
        code: entity_code,
        pen,
        stamp,
        gate,
        findings,
      })),
    ),
  );
  // the comparison covers passes, each stage's failure, skips and ambiguous rows
  expect(production.filter((row) => row.gate)).not.toHaveLength(0);
  expect(production.flatMap((row) => row.findings).some((finding) => finding.startsWith('ambiguous:'))).toBe(
    true,
  );
});
