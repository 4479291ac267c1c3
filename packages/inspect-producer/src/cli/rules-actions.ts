import { readFile } from 'node:fs/promises';
import {
  BirthLaneError,
  type Check,
  canonicalJson,
  type Database,
  EXIT_CODES,
  INSPECT_STAGES,
  type RuleSet,
  ruleSetHash,
  ruleSetVersionSchema,
  SQLSTATE,
  sqlStateOf,
  ValidationError,
} from '@birth-lane/contract';
import { type CommandHost, withDatabase } from '@birth-lane/contract/cli';
import { activationSteps } from '../rules/activation-steps.js';
import { loadCompiledRuleSet } from '../rules/compiled-rule-set.js';
import { parseRuleSetDocument } from '../rules/load-rule-set.js';
import { diffRuleSets, type RuleSetDiff } from '../rules/rule-set-diff.js';
import { previewRuleSet, type RuleSetPreview } from '../rules/rule-set-preview.js';
import { activateRuleSet, listRuleSets, loadRuleSet, saveRuleSet } from '../rules/rule-set-store.js';
import { describeCheck } from '../run/failure-message-sql.js';
import { annotateIssues, formatIssues } from './rule-set-issues.js';

/** The work of `birth-lane rules …` (see rules-command.ts); each returns the exit code. */

export async function listRules(host: CommandHost, flags: { json?: boolean }): Promise<number> {
  return withRuleSets(host, async (db) => {
    const stored = await listRuleSets(db);
    const compiled = await loadCompiledRuleSet(db);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ruleSets: stored, compiled })}\n`);
      return EXIT_CODES.completed;
    }
    if (stored.length === 0) process.stdout.write('no rule sets stored (run `birth-lane install`)\n');
    for (const each of stored) {
      const checks = `${each.checks.pen}/${each.checks.stamp}/${each.checks.gate} checks`;
      const when = each.activatedAt ? ` activated ${each.activatedAt.toISOString()}` : '';
      process.stdout.write(
        `${each.version.padEnd(10)} ${each.status.padEnd(8)} ${each.hash.slice(0, 12)}…  ${checks}${when}` +
          `${each.description ? `  ${each.description}` : ''}\n`,
      );
    }
    process.stdout.write(
      compiled.version === null
        ? 'inspection: not compiled (no rule set has been activated)\n'
        : `inspection: compiled for ${compiled.version} (${compiled.hash?.slice(0, 12)}…)\n`,
    );
    return EXIT_CODES.completed;
  });
}

export async function showRules(host: CommandHost, version: string, flags: { json?: boolean }) {
  const wanted = parseVersion(version, '<version>');
  return withRuleSets(host, async (db) => {
    const stored = await storedRuleSet(db, wanted);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(stored)}\n`);
      return EXIT_CODES.completed;
    }
    process.stdout.write(
      `rule set ${wanted} (${stored.status})\nhash     ${stored.hash}\n` +
        `${stored.ruleSet.description ? `about    ${stored.ruleSet.description}\n` : ''}`,
    );
    for (const stage of INSPECT_STAGES) {
      process.stdout.write(`${stage.toUpperCase()}\n`);
      for (const check of stored.ruleSet.stages[stage])
        process.stdout.write(`  ${check.id.padEnd(36)} ${check.kind.padEnd(11)} ${describeCheck(check)}\n`);
    }
    return EXIT_CODES.completed;
  });
}

export async function checkRules(host: CommandHost, file: string, flags: { top: string; json?: boolean }) {
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1 || top > 100) {
    throw new ValidationError('rules check flags', [
      { field: '--top', rule: 'range', message: `must be a whole number from 1 to 100, got "${flags.top}"` },
    ]);
  }
  const text = await readRuleSetText(file);
  let ruleSet: RuleSet;
  try {
    ruleSet = parseRuleSetDocument(text, file);
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    const issues = annotateIssues(text, error.issues);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ok: false, file, issues })}\n`);
    else {
      process.stdout.write(
        `${file}: ${issues.length} problem(s); nothing was checked against the registry\n`,
      );
      for (const line of formatIssues(issues)) process.stdout.write(`  ${line}\n`);
    }
    return EXIT_CODES.usage;
  }
  return withRuleSets(host, async (db) => {
    const hash = ruleSetHash(ruleSet);
    const existing = await loadRuleSet(db, ruleSet.version);
    const stored =
      existing === null ? 'absent' : existing.ok && existing.hash === hash ? 'identical' : 'different';
    const preview = await previewRuleSet(db, ruleSet, { top });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ ok: true, file, version: ruleSet.version, hash, stored, preview })}\n`,
      );
    } else {
      process.stdout.write(`${file}: rule set ${ruleSet.version} is valid (hash ${hash})\n`);
      process.stdout.write(`${storedLine(ruleSet.version, stored)}\n`);
      process.stdout.write(formatPreview(preview));
    }
    return EXIT_CODES.completed;
  });
}

export async function saveRules(host: CommandHost, file: string, flags: { json?: boolean }) {
  const ruleSet = parseRuleSetDocument(await readRuleSetText(file), file);
  return withRuleSets(host, async (db) => {
    const saved = await saveRuleSet(db, ruleSet);
    const next = activationSteps(saved.version, saved.hash);
    if (flags.json) process.stdout.write(`${JSON.stringify({ ...saved, nextSteps: next })}\n`);
    else {
      process.stdout.write(
        `rule set ${saved.version} ${saved.created ? 'saved as a draft' : 'was already stored with this content'} (hash ${saved.hash}).\n` +
          `To activate it:\n${next.map((step, index) => `  ${index + 1}. ${step}`).join('\n')}\n`,
      );
    }
    return EXIT_CODES.completed;
  });
}

export async function activateRules(
  host: CommandHost,
  version: string,
  flags: { approval: string; json?: boolean },
) {
  const wanted = parseVersion(version, '<version>');
  if (!/^[1-9][0-9]{0,18}$/.test(flags.approval)) {
    throw new ValidationError('rules activate flags', [
      { field: '--approval', rule: 'id', message: `must be an approval request id, got "${flags.approval}"` },
    ]);
  }
  return withRuleSets(host, async (db) => {
    const activated = await activateRuleSet(db, wanted, { approvalId: flags.approval });
    if (flags.json) process.stdout.write(`${JSON.stringify(activated)}\n`);
    else if (!activated.changed)
      process.stdout.write(
        `rule set ${wanted} is already active; nothing changed, the approval was not used\n`,
      );
    else {
      process.stdout.write(
        `rule set ${wanted} active (hash ${activated.hash}), activated by ${activated.activatedBy} with approval ${flags.approval}` +
          `${activated.previous ? `; ${activated.previous} retired` : ''}. The inspection is compiled for it.\n`,
      );
    }
    return EXIT_CODES.completed;
  });
}

export async function diffRules(host: CommandHost, a: string, b: string, flags: { json?: boolean }) {
  return withRuleSets(host, async (db) => {
    const diff = diffRuleSets(await ruleSetFrom(db, a), await ruleSetFrom(db, b));
    process.stdout.write(flags.json ? `${JSON.stringify(diff)}\n` : formatDiff(diff));
    return EXIT_CODES.completed;
  });
}

/** The host's database, with a lane that is missing (or half installed) named as such. */
function withRuleSets(host: CommandHost, work: (db: Database) => Promise<number>): Promise<number> {
  return withDatabase(host, async (db) => {
    try {
      return await work(db);
    } catch (error) {
      const state = sqlStateOf(error);
      if (state !== SQLSTATE.undefinedTable && state !== SQLSTATE.undefinedFunction) throw error;
      throw new BirthLaneError(
        'CONFIGURATION_INVALID',
        `The lane is not installed (or not fully) in this database (${(error as Error).message}): run \`birth-lane install\` first.`,
        { cause: error },
      );
    }
  });
}

function parseVersion(value: string, field: string): string {
  const parsed = ruleSetVersionSchema.safeParse(value);
  if (!parsed.success) {
    throw new ValidationError('rule set version', [
      { field, rule: 'semver', message: `must be a version such as 1.1.0, got "${value}"` },
    ]);
  }
  return parsed.data;
}

async function readRuleSetText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ValidationError('rule set file', [
      { field: '<file>', rule: 'readable', message: `cannot read ${file}: ${(error as Error).message}` },
    ]);
  }
}

async function storedRuleSet(db: Database, version: string) {
  const stored = await loadRuleSet(db, version);
  if (stored === null) {
    throw new ValidationError('rule set version', [
      {
        field: '<version>',
        rule: 'exists',
        message: `no rule set ${version} is stored (see \`birth-lane rules list\`)`,
      },
    ]);
  }
  if (!stored.ok) {
    throw new BirthLaneError(
      'CONFIGURATION_INVALID',
      `Rule set ${version} is stored but unusable: ${stored.reason}`,
    );
  }
  return stored;
}

/** A diff side: a stored version (`1.1.0`) or a rule-set file. */
async function ruleSetFrom(db: Database, reference: string): Promise<RuleSet> {
  if (ruleSetVersionSchema.safeParse(reference).success) return (await storedRuleSet(db, reference)).ruleSet;
  return parseRuleSetDocument(await readRuleSetText(reference), reference);
}

function storedLine(version: string, stored: 'absent' | 'identical' | 'different'): string {
  switch (stored) {
    case 'absent':
      return `not stored yet: \`birth-lane rules save\` stores it as a draft`;
    case 'identical':
      return `already stored as ${version} with this content`;
    case 'different':
      return `DIFFERENT content is stored as ${version}: saving would be refused; use a new version`;
  }
}

function formatPreview(preview: RuleSetPreview): string {
  const n = (value: number) => value.toLocaleString('en').padStart(10);
  const lines = [
    `preview against the live registry (read-only, nothing written): ${preview.rows.toLocaleString('en')} uncertified governed rows, judged from PEN on`,
    `  would pass PEN      ${n(preview.passing.pen)}`,
    `  then STAMP          ${n(preview.passing.stamp)}`,
    `  then GATE           ${n(preview.passing.gate)}  (complete: the certify consumer would certify them)`,
    preview.topFailingChecks.length === 0 ? '  no check would fail' : '  top failing checks:',
    ...preview.topFailingChecks.map(
      (check) =>
        `    ${check.rows.toLocaleString('en').padStart(8)}  ${check.stage.padEnd(6)} ${check.checkId}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function formatDiff(diff: RuleSetDiff): string {
  if (diff.identical) return `${diff.from} → ${diff.to}: the same checks in the same order\n`;
  const lines = [`${diff.from} → ${diff.to}`];
  for (const stage of INSPECT_STAGES) {
    const each = diff.stages[stage];
    lines.push(`${stage.toUpperCase()}`);
    for (const check of each.added) lines.push(`  + ${check.id}  ${describeCheck(check)}`);
    for (const check of each.removed) lines.push(`  - ${check.id}  ${describeCheck(check)}`);
    for (const change of each.changed)
      lines.push(`  ~ ${change.id}  ${describeChange(change.from, change.to)}`);
    if (each.reordered) lines.push('  checks reordered (failures are reported in check order)');
    if (each.added.length + each.removed.length + each.changed.length === 0 && !each.reordered)
      lines.push('  unchanged');
  }
  return `${lines.join('\n')}\n`;
}

/** What differs between two versions of a check, property by property: `max 512 → 256`. */
function describeChange(from: Check, to: Check): string {
  const before = from as unknown as Record<string, unknown>;
  const after = to as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (key) => canonicalJson(before[key] ?? null) !== canonicalJson(after[key] ?? null),
  );
  const shown = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  return keys.map((key) => `${key} ${shown(before[key])} → ${shown(after[key])}`).join('; ');
}
