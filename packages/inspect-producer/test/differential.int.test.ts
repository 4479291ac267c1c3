/**
 * The differential test: the TypeScript reference evaluator and the compiled SQL must name the
 * same failed checks, in the same order, for every row, stage and rule set. fast-check generates
 * rows full of defects and rule sets drawn from the whole check vocabulary; PostgreSQL judges each
 * batch set-based (one query per ~2,000 rows through jsonb_to_recordset), as the producer will.
 */
import {
  type CheckKind,
  INSPECT_STAGES,
  INSPECTABLE_FIELDS,
  type InspectableRow,
  type InspectStage,
  type RuleSet,
  ruleSetSchema,
} from '@birth-lane/contract';
import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileStageFailuresSql } from '../src/rules/compile-sql.js';
import { defaultRuleSet } from '../src/rules/default-rule-set.js';
import { evaluateStage } from '../src/rules/evaluate.js';
import { ruleSetSupportIssues } from '../src/rules/rule-set-support.js';
import { pattern, TRICKY_CHARS } from './regex-arbitraries.js';

const t = useTestDatabase({ name: 'differential' });

const NOW = new Date('2026-01-01T00:00:00.000Z');
const BATCH = 2_000;

// ---------------------------------------------------------------------------------------------
// Values. Each pool mixes realistic values, near misses and outright defects.

const COLLECTIONS = ['fauna', 'flora', 'fungi', 'minerals', 'documents'];
const SPECIES = Object.values(
  (
    defaultRuleSet.stages.gate.find((check) => check.kind === 'species_fit') as {
      allowed: Record<string, string[]>;
    }
  ).allowed,
).flat();
const STATUSES = ['active', 'draft', 'deprecated', 'archived'];
const BLANKS = [
  '',
  ' ',
  '\t',
  '\n',
  '\r',
  ' \t\r\n ',
  '\u00a0',
  '\u000b',
  '\f',
  '\u3000',
  '\u2028',
  '\ufeff',
  '\u200b',
];

const noNul = (value: string) => value.replaceAll('\u0000', '');
const blank = fc.constantFrom(...BLANKS);
const anyUnicode = fc.string({ unit: 'binary', maxLength: 12 }).map(noNul);
const trickyText = fc
  .array(fc.constantFrom(...TRICKY_CHARS), { maxLength: 8 })
  .map((parts) => parts.join(''));

/** Strings of chosen length (in code points) around a bound, some built of astral characters. */
function lengthAround(bounds: number[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...bounds), fc.integer({ min: -1, max: 1 }), fc.constantFrom('x', '😀', 'é', ' '))
    .map(([bound, delta, unit]) => unit.repeat(Math.max(0, bound + delta)));
}

function mutate(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    value.map((text) => text.toLowerCase()),
    value.map((text) => text.toUpperCase()),
    fc.tuple(value, blank).map(([text, pad]) => pad + text),
    fc.tuple(value, blank).map(([text, pad]) => text + pad),
    fc.tuple(value, fc.constantFrom(...TRICKY_CHARS)).map(([text, char]) => text + char),
    // By code point: cutting a surrogate pair in half would make text PostgreSQL cannot store.
    value.map((text) => [...text].slice(0, -1).join('')),
  );
}

/** A text column: mostly realistic, often defective, sometimes missing. */
function textValue(realistic: fc.Arbitrary<string>): fc.Arbitrary<string | null> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: blank },
    { weight: 5, arbitrary: realistic },
    { weight: 3, arbitrary: mutate(realistic) },
    { weight: 1, arbitrary: trickyText },
    { weight: 1, arbitrary: anyUnicode },
  );
}

const entityCode = fc
  .tuple(
    fc.string({ unit: fc.constantFrom('A', 'B', 'Z', 'Q', '0', '7'), minLength: 0, maxLength: 34 }),
    fc.constantFrom('-', '-', '-', '-', '_', '--', ''),
    fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 0, maxLength: 26 }),
    fc.constantFrom('', '', '', '', 'x', '\n', '１２３', 'É'),
  )
  .map(([prefix, dash, digits, noise]) => `${prefix}${dash}${digits}${noise}`);

const name = fc.oneof(
  fc.constantFrom('Lion', 'Oak', 'Quartz', 'Field report 7'),
  lengthAround([1, 5, 10, 511, 512, 513]),
);
const description = fc.oneof(
  fc.constantFrom('An adult lion from the savannah enclosure.', 'short', 'line one\nline two', 'n/a'),
  lengthAround([0, 9, 10, 11, 4096]),
);
const collection = fc.constantFrom(
  ...COLLECTIONS,
  'Fauna',
  'widgets',
  'toString',
  '__proto__',
  'constructor',
);
const species = fc.constantFrom(...SPECIES, 'sp-mammal', 'SP-UNKNOWN', 'SP-1', 'SP-2', 'SP-3');
const status = fc.constantFrom(...STATUSES, 'Active', 'ACTIVE', 'live', 'retired', 'draft ');
const dotOrigin = fc.constantFrom('zoo.import', 'registry.trigger.fauna_insert', 'manual', 'x');

const bornAt = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(-1000, -1, 0, 1, 1000)
      .map((offset) => new Date(NOW.getTime() + offset).toISOString()),
  },
  {
    weight: 5,
    arbitrary: fc
      .date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2100-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString()),
  },
);

/** A row as it travels to PostgreSQL: born_at as an ISO string, every other field text or null. */
interface WireRow {
  entity_code: string | null;
  collection_name: string | null;
  species_code: string | null;
  dot_origin: string | null;
  born_at: string | null;
  name: string | null;
  description: string | null;
  status: string | null;
}

const wireRow: fc.Arbitrary<WireRow> = fc.record({
  entity_code: textValue(entityCode),
  collection_name: textValue(collection),
  species_code: textValue(species),
  dot_origin: textValue(dotOrigin),
  born_at: bornAt,
  name: textValue(name),
  description: textValue(description),
  status: textValue(status),
});

// ---------------------------------------------------------------------------------------------
// Rule sets: random subsets and variants of the whole vocabulary.

const TEXT_FIELDS = INSPECTABLE_FIELDS.filter((field) => field !== 'born_at');

const oneOfValue = fc.constantFrom(
  ...STATUSES,
  ...COLLECTIONS,
  ...SPECIES.slice(0, 6),
  'Active',
  '',
  ' ',
  'x',
  'é',
  '😀',
);

const check = fc.oneof(
  fc.record({ kind: fc.constant('required'), field: fc.constantFrom(...INSPECTABLE_FIELDS) }),
  fc.record({ kind: fc.constant('pattern'), field: fc.constantFrom(...TEXT_FIELDS), pattern }),
  fc.record({
    kind: fc.constant('one_of'),
    field: fc.constantFrom(...TEXT_FIELDS),
    values: fc.uniqueArray(oneOfValue, { minLength: 1, maxLength: 6 }),
  }),
  fc
    .tuple(
      fc.constantFrom(...TEXT_FIELDS),
      fc.option(fc.integer({ min: 0, max: 12 })),
      fc.option(fc.integer({ min: 1, max: 14 })),
    )
    .filter(([, min, max]) => (min !== null || max !== null) && (min === null || max === null || min <= max))
    .map(([field, min, max]) => ({
      kind: 'length',
      field,
      ...(min === null ? {} : { min }),
      ...(max === null ? {} : { max }),
    })),
  fc.constant({ kind: 'not_future', field: 'born_at' }),
  fc.record({
    kind: fc.constant('species_fit'),
    allowed: fc
      .uniqueArray(
        fc.tuple(
          fc.constantFrom(...COLLECTIONS, 'Fauna', 'toString', '__proto__'),
          fc.uniqueArray(species, { minLength: 1, maxLength: 4 }),
        ),
        {
          minLength: 1,
          maxLength: 4,
          selector: ([key]) => key,
        },
      )
      .map((entries) => Object.fromEntries(entries)),
    unlisted: fc.constantFrom('fail', 'pass'),
  }),
);

const ruleSet: fc.Arbitrary<RuleSet> = fc
  .record({
    pen: fc.array(check, { minLength: 1, maxLength: 6 }),
    stamp: fc.array(check, { minLength: 1, maxLength: 6 }),
    gate: fc.array(check, { minLength: 1, maxLength: 6 }),
  })
  .map((stages) => {
    const withIds = Object.fromEntries(
      INSPECT_STAGES.map((stage) => [
        stage,
        stages[stage].map((item, index) => ({ id: `${stage}.c${index}`, ...item })),
      ]),
    );
    return ruleSetSchema.safeParse({ version: '9.9.9', stages: withIds });
  })
  .filter((result) => result.success && ruleSetSupportIssues(result.data).length === 0)
  .map((result) => result.data as RuleSet);

// ---------------------------------------------------------------------------------------------
// The comparison.

/** Failures seen per check kind on the TypeScript side, to prove every kind both passed and failed. */
const coverage = new Map<CheckKind, { passed: number; failed: number }>();
let rowsCompared = 0;

function recordCoverage(rules: RuleSet, stage: InspectStage, failedIds: readonly string[]): void {
  for (const item of rules.stages[stage]) {
    const entry = coverage.get(item.kind) ?? { passed: 0, failed: 0 };
    if (failedIds.includes(item.id)) entry.failed += 1;
    else entry.passed += 1;
    coverage.set(item.kind, entry);
  }
}

interface Mismatch {
  stage: InspectStage;
  row: WireRow;
  typescript: string[];
  sql: string[];
}

async function compare(rules: RuleSet, rows: readonly WireRow[]): Promise<Mismatch[]> {
  const columns = INSPECT_STAGES.map(
    (stage) => `${compileStageFailuresSql(rules, stage, 'r', { now: '$2::timestamptz' })} as ${stage}`,
  ).join(',\n       ');
  const { rows: judged } = await t.db.pool.query<Record<InspectStage, string[]> & { i: number }>(
    `select r.i, ${columns}
       from jsonb_to_recordset($1::jsonb) as r(i int, entity_code text, collection_name text, species_code text,
            dot_origin text, born_at timestamptz, name text, description text, status text)
      -- Names $2 even when no check reads the clock, so the statement always takes both parameters.
      where $2::timestamptz is not null
      order by r.i`,
    [JSON.stringify(rows.map((row, i) => ({ i, ...row }))), NOW.toISOString()],
  );
  expect(judged).toHaveLength(rows.length);
  const mismatches: Mismatch[] = [];
  rows.forEach((row, i) => {
    // What the producer will hand the evaluator: born_at as pg returns it, a Date.
    const inspectable: InspectableRow = {
      ...row,
      born_at: row.born_at === null ? null : new Date(row.born_at),
    };
    for (const stage of INSPECT_STAGES) {
      const typescript = evaluateStage(rules, stage, inspectable, NOW).failures.map(
        (failure) => failure.checkId,
      );
      const sql = judged[i]![stage];
      recordCoverage(rules, stage, typescript);
      if (JSON.stringify(typescript) !== JSON.stringify(sql))
        mismatches.push({ stage, row, typescript, sql });
    }
  });
  rowsCompared += rows.length;
  return mismatches;
}

function explain(rules: RuleSet, mismatches: readonly Mismatch[]): string {
  const shown = mismatches.slice(0, 5).map((m) => {
    const checks = rules.stages[m.stage].filter((c) => m.typescript.includes(c.id) !== m.sql.includes(c.id));
    return `stage ${m.stage}: TypeScript ${JSON.stringify(m.typescript)} vs SQL ${JSON.stringify(m.sql)}\n  row ${JSON.stringify(m.row)}\n  disputed checks ${JSON.stringify(checks)}`;
  });
  return `${mismatches.length} disagreement(s):\n${shown.join('\n')}`;
}

describe('the TypeScript evaluator and the compiled SQL agree check by check', () => {
  it('runs in a UTF-8 database (char_length counts code points only there)', async () => {
    const { rows } = await t.db.pool.query<{ encoding: string }>(
      "select current_setting('server_encoding') as encoding",
    );
    expect(rows[0]?.encoding).toBe('UTF8');
  });

  it('on the default rule set, over 6,000 generated rows', async () => {
    const batches = fc.sample(fc.array(wireRow, { minLength: BATCH, maxLength: BATCH }), { numRuns: 3 });
    for (const rows of batches) {
      const mismatches = await compare(defaultRuleSet, rows);
      expect(mismatches, explain(defaultRuleSet, mismatches)).toEqual([]);
    }
  });

  it('on generated rule sets, 2,000 generated rows each', async () => {
    await fc.assert(
      // The rows come from a seed rather than straight from the property, so a failure report shows
      // the rule set and the seed, and the disagreeing rows themselves, not 2,000 rows.
      fc.asyncProperty(ruleSet, fc.integer(), async (rules, seed) => {
        const [rows] = fc.sample(fc.array(wireRow, { minLength: BATCH, maxLength: BATCH }), {
          seed,
          numRuns: 1,
        });
        const mismatches = await compare(rules, rows!);
        if (mismatches.length > 0)
          throw new Error(`${explain(rules, mismatches)}\nrule set ${JSON.stringify(rules)}`);
      }),
      // A failure prints its seed; shrinking 2,000-row batches through a database would take long.
      { numRuns: 6, endOnFailure: true },
    );
  });

  it('covered every check kind both passing and failing, over at least 10,000 rows', () => {
    expect(rowsCompared).toBeGreaterThanOrEqual(10_000);
    for (const kind of ['required', 'pattern', 'one_of', 'length', 'not_future', 'species_fit'] as const) {
      const seen = coverage.get(kind);
      expect(seen?.passed, `${kind} passed`).toBeGreaterThan(0);
      expect(seen?.failed, `${kind} failed`).toBeGreaterThan(0);
    }
  });
});
