// The packed-tarball consumer: copied into a fresh project outside the workspace, next to a
// node_modules that npm filled from the packed tarballs. It imports only those installed packages
// (and pg), the way a user would, and runs the lane once against SMOKE_DATABASE_URL (a scratch
// database the runner created and drops). Exit 0 when every expectation holds, 1 otherwise.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { birthSteps, mintBirths } from '@birth-lane/birth';
import { certifySteps, setCanonicalCollections } from '@birth-lane/certify-consumer';
import { contractSteps, installSteps } from '@birth-lane/contract';
import { approveWithDemoLogins } from '@birth-lane/contract/demo-approvers';
import { inspectContractSteps } from '@birth-lane/inspect-contract';
import {
  activateRuleSet,
  createProducer,
  defaultRuleSet,
  loadRuleSet,
  ruleSetSteps,
  saveRuleSet,
} from '@birth-lane/inspect-producer';
import pg from 'pg';

const PROJECT = dirname(fileURLToPath(import.meta.url));
const url = process.env.SMOKE_DATABASE_URL;
if (!url) {
  console.error('consumer: SMOKE_DATABASE_URL is not set');
  process.exit(64);
}
// The app's session setting (apps/birth-lane/src/database/session-options.ts): built-ins first.
const SESSION_OPTIONS = '-c search_path=pg_catalog,pg_temp';

const say = (line) => process.stdout.write(`consumer  ${line}\n`);
const failures = [];
const expect = (ok, what) => {
  if (!ok) failures.push(what);
  return ok;
};

const NOW = Date.now();
const valid = (code, collection, species, extra = {}) => ({
  entity_code: code,
  collection_name: collection,
  species_code: species,
  dot_origin: `dot://packed-smoke/${code}`,
  name: `Smoke ${code}`,
  description: `A packed-smoke birth in ${collection}.`,
  status: 'active',
  ...extra,
});

/**
 * The births, each with what one producer pass must leave: the stamps in order up to the failing
 * stage, the failing check on record, certified only when all three stamps are there and the
 * collection is not canonical. `kernel` is made canonical below: its complete row waits for a
 * promotion instead. An observed row is out of scope: skipped, untouched.
 */
const CASES = [
  { input: valid('SMOKE-001', 'fauna', 'SP-MAMMAL'), stamps: 3, certified: true },
  { input: valid('SMOKE-002', 'flora', 'SP-TREE'), stamps: 3, certified: true },
  { input: valid('SMOKE-003', 'minerals', 'SP-OXIDE', { status: 'draft' }), stamps: 3, certified: true },
  {
    input: valid('SMOKE-101', 'fauna', 'SP-BIRD', {
      born_at: new Date(NOW + 365 * 86_400_000).toISOString(),
    }),
    stamps: 0,
    certified: false,
    failing: 'pen.born_at.not_future',
  },
  {
    input: valid('SMOKE-102', 'fauna', 'SP-MAMMAL', { name: null }),
    stamps: 1,
    certified: false,
    failing: 'stamp.name.required',
  },
  {
    input: valid('SMOKE-103', 'flora', 'SP-TREE', { description: 'short' }),
    stamps: 1,
    certified: false,
    failing: 'stamp.description.length',
  },
  {
    input: valid('SMOKE-104', 'fauna', 'SP-TREE'),
    stamps: 2,
    certified: false,
    failing: 'gate.species_code.fits_collection',
  },
  {
    input: valid('SMOKE-105', 'documents', null),
    stamps: 2,
    certified: false,
    failing: 'gate.species_code.required',
  },
  { input: valid('SMOKE-201', 'kernel', 'SP-CORE'), stamps: 3, certified: false, promotion: true },
  {
    input: valid('SMOKE-301', 'fauna', 'SP-FISH', { governance_role: 'observed' }),
    stamps: 0,
    certified: false,
    observed: true,
  },
];

async function main() {
  checkResolvedFromProject();
  await importEveryInstalledPackage();

  const pool = new pg.Pool({ connectionString: url, options: SESSION_OPTIONS, max: 4 });
  pool.on('error', () => undefined);
  try {
    const installed = await installSteps(pool, [
      ...contractSteps,
      ...birthSteps,
      ...inspectContractSteps,
      ...certifySteps,
      ...ruleSetSteps,
    ]);
    say(
      `lane            ${installed.applied.length} install steps applied, ${installed.alreadyApplied.length} already in place`,
    );

    // The governed activation, as the app's demo does (apps/birth-lane/src/lane/demo-activation.ts):
    // the default saved as a draft, a rule_set_activation approval by four short-lived demo logins
    // (proposer, president, two ai_council), each connected as itself, then activation with it.
    await saveRuleSet(pool, defaultRuleSet);
    const stored = await loadRuleSet(pool, defaultRuleSet.version);
    if (!stored?.ok) throw new Error(`rule set ${defaultRuleSet.version} not stored intact`);
    const approvalId = await approveWithDemoLogins(pool, connectAs, {
      action: 'rule_set_activation',
      scope: { version: defaultRuleSet.version, hash: stored.hash },
      reason: `packed smoke: activate rule set ${defaultRuleSet.version}`,
    });
    const activated = await activateRuleSet(pool, defaultRuleSet.version, { approvalId });
    say(
      `rule set        ${activated.version} active with approval #${approvalId} (demo logins, dropped again)`,
    );

    await setCanonicalCollections(pool, ['kernel'], { note: 'packed smoke' });
    const minted = await mintBirths(
      pool,
      CASES.map((c) => c.input),
    );
    say(`births          ${minted.totals.minted} minted through @birth-lane/birth`);

    const report = await createProducer(pool).run({ channel: 'once' });
    say(
      `producer        run ${report.runId} ${report.outcome}: PEN ${report.passed.pen}/${report.failed.pen}, ` +
        `STAMP ${report.passed.stamp}/${report.failed.stamp}, GATE ${report.passed.gate}/${report.failed.gate} ` +
        `(passed/failed), ${report.skipped} skipped`,
    );
    expect(report.outcome === 'completed', `the run's outcome is ${report.outcome}, not completed`);
    const wanted = {
      pen: [8, 1],
      stamp: [6, 2],
      gate: [4, 2],
    };
    for (const [stage, [passed, failed]] of Object.entries(wanted)) {
      expect(
        report.passed[stage] === passed && report.failed[stage] === failed,
        `the report counts ${stage} ${report.passed[stage]} passed / ${report.failed[stage]} failed, expected ${passed} / ${failed}`,
      );
    }
    expect(report.skipped === 1, `the report skipped ${report.skipped} rows, expected 1 (the observed row)`);

    await checkRows(pool, report.runId);
  } finally {
    await pool.end();
  }

  if (failures.length > 0) {
    say(`FAILED, unmet expectations: ${failures.length}`);
    for (const failure of failures) say(`  - ${failure}`);
    return 1;
  }
  say(`ok: all ${CASES.length} births as expected`);
  return 0;
}

/** Reads every birth back and compares it with its case; prints one line per row. */
async function checkRows(pool, runId) {
  const { rows } = await pool.query(
    `select r.entity_code, r.certified, r.certified_at is not null as has_certified_at,
            (r.inspect_pen is not null)::int + (r.inspect_stamp is not null)::int + (r.inspect_gate is not null)::int as stamps,
            r.inspect_pen is not null as pen, r.inspect_stamp is not null as stamp, r.inspect_gate is not null as gate,
            coalesce((select array_agg(e.check_id order by e.check_id) from birth_lane.evidence e
                       where e.kind = 'inspection_failure' and e.row_id = r.id and e.run_id = $1::uuid), '{}') as failed_checks,
            exists (select 1 from birth_lane.evidence e where e.kind = 'promotion_requested' and e.row_id = r.id) as promotion
       from public.birth_registry r
      order by r.entity_code`,
    [runId],
  );
  const byCode = new Map(rows.map((row) => [row.entity_code, row]));
  for (const c of CASES) {
    const code = c.input.entity_code;
    const row = byCode.get(code);
    if (!expect(row !== undefined, `${code} is not in the registry`)) continue;
    const before = failures.length;
    // Stamps go in order: PEN, then STAMP, then GATE, never a later one without the earlier.
    const inOrder = [row.pen, row.stamp, row.gate].join() === [0, 1, 2].map((i) => i < c.stamps).join();
    expect(
      inOrder,
      `${code} has stamps pen=${row.pen} stamp=${row.stamp} gate=${row.gate}, expected the first ${c.stamps}`,
    );
    expect(row.certified === c.certified, `${code} certified=${row.certified}, expected ${c.certified}`);
    expect(
      row.has_certified_at === c.certified,
      `${code} certified_at is ${row.has_certified_at ? 'set' : 'empty'}`,
    );
    if (c.failing) {
      expect(
        row.failed_checks.includes(c.failing),
        `${code} has failure evidence [${row.failed_checks.join(', ')}], expected ${c.failing}`,
      );
    } else {
      expect(
        row.failed_checks.length === 0,
        `${code} has unexpected failure evidence [${row.failed_checks.join(', ')}]`,
      );
    }
    expect(
      row.promotion === Boolean(c.promotion),
      `${code} promotion request: ${row.promotion}, expected ${Boolean(c.promotion)}`,
    );
    const what = c.observed
      ? 'observed: skipped, untouched'
      : c.promotion
        ? 'canonical: 3 stamps, promotion requested, not certified'
        : c.failing
          ? `invalid: ${c.stamps} stamp${c.stamps === 1 ? '' : 's'}, evidence ${c.failing}`
          : 'valid: 3 stamps, certified';
    say(`  ${failures.length === before ? 'ok  ' : 'FAIL'} ${code}  ${what}`);
  }
}

/** Each @birth-lane package must come from this project's node_modules, not from the workspace. */
function checkResolvedFromProject() {
  const modules = realpathSync(join(PROJECT, 'node_modules')) + sep;
  for (const name of birthLaneDependencies()) {
    const resolved = realpathSync(fileURLToPath(import.meta.resolve(name)));
    expect(resolved.startsWith(modules), `${name} resolves to ${resolved}, outside ${modules}`);
  }
}

/**
 * Imports the main entry of every installed @birth-lane package, the ones this script does not
 * use (new channel packages) included: each must load in plain Node and export something.
 */
async function importEveryInstalledPackage() {
  const names = birthLaneDependencies();
  const loaded = [];
  for (const name of names) {
    try {
      const module = await import(name);
      const exported = Object.keys(module).length;
      if (expect(exported > 0, `${name} exports nothing`)) loaded.push(`${name} (${exported})`);
    } catch (error) {
      expect(false, `${name} cannot be imported: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  say(
    `imports         ${loaded.length} of ${names.length} installed packages load (exports): ${loaded.join(', ')}`,
  );
  const channels = names.filter((name) => name.startsWith('@birth-lane/channel-'));
  if (channels.length > 0) say(`channels        ${channels.join(', ')} imported`);
}

function birthLaneDependencies() {
  const manifest = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8'));
  return Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@birth-lane/'))
    .sort();
}

/** A pg client logged in as `login` (the demo logins have passwords), as the app's connectAs. */
async function connectAs(login, password) {
  const target = new URL(url);
  target.username = encodeURIComponent(login);
  target.password = encodeURIComponent(password);
  const client = new pg.Client({ connectionString: target.toString(), options: SESSION_OPTIONS });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    say(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    for (const failure of failures) say(`  - ${failure}`);
    process.exitCode = 1;
  },
);
