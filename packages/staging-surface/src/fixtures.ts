import { ENTITY_CODE_PATTERN, GOVERNANCE_ROLES, type ValidationIssue } from '@birth-lane/contract';
import { z } from 'zod';
import { parseCsv } from './csv.js';

export type FixtureFormat = 'jsonl' | 'csv';

/** The format a fixtures file is read as, from its extension. */
export function fixtureFormatOf(fileName: string): FixtureFormat | null {
  if (/\.jsonl$/i.test(fileName)) return 'jsonl';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return null;
}

const text = z.string().max(10_000).nullable().optional();
const readableTimestamp = z.string().refine((value) => !Number.isNaN(Date.parse(value)), {
  message: 'must be an ISO 8601 timestamp',
  params: { rule: 'timestamp' },
});
/** born_at may lie in the future: that is bad input the PEN stage judges, kept as written. */
const bornAt = readableTimestamp.nullable().optional();
/** A stamp records a moment that has passed; a future one cannot be a historical row. */
const timestamp = readableTimestamp
  .refine((value) => Number.isNaN(Date.parse(value)) || Date.parse(value) <= Date.now(), {
    message: 'must not be in the future: a stamp records a moment that has passed',
    params: { rule: 'not_future' },
  })
  .nullable()
  .optional();

/**
 * The shape of one fixture row: the fields the inspection reads, optional stamps (to model
 * historical partial or ambiguous rows) and `certified`. A row that breaks this cannot be stored
 * without changing it, so it is refused even with --keep-bad-rows.
 */
export const fixtureRowSchema = z.strictObject({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  entity_code: text,
  collection_name: text,
  species_code: text,
  dot_origin: text,
  governance_role: text,
  born_at: bornAt,
  name: text,
  description: text,
  status: text,
  certified: z.boolean().optional(),
  inspect_pen: timestamp,
  inspect_stamp: timestamp,
  inspect_gate: timestamp,
});
export type FixtureRowInput = z.infer<typeof fixtureRowSchema>;

/** One fixture row as loaded, with the line it came from and what is wrong with it (if anything). */
export interface FixtureRow {
  readonly line: number;
  readonly id: number;
  readonly fields: FixtureRowInput;
  /** Production would refuse this row or could not judge it as written: kept only with --keep-bad-rows, as deliberate bad input. */
  readonly issues: readonly ValidationIssue[];
}

export interface ParsedFixtures {
  readonly rows: FixtureRow[];
  /** Rows that cannot be stored as written (wrong type, unknown field, unreadable line): always refused. */
  readonly shapeIssues: ValidationIssue[];
}

/** Reads a fixtures file's text; every issue's field names the line and the field. */
export function parseFixtures(text: string, format: FixtureFormat): ParsedFixtures {
  const shapeIssues: ValidationIssue[] = [];
  const raw: { line: number; value: unknown }[] = [];
  if (format === 'jsonl') {
    text.split(/\r?\n/).forEach((content, index) => {
      if (content.trim() === '') return;
      try {
        raw.push({ line: index + 1, value: JSON.parse(content) });
      } catch (error) {
        shapeIssues.push({
          field: `line ${index + 1}`,
          rule: 'json',
          message: `is not JSON: ${(error as Error).message}`,
        });
      }
    });
  } else {
    const csv = parseCsv(text);
    if (!csv.ok)
      return { rows: [], shapeIssues: [{ field: `line ${csv.line}`, rule: 'csv', message: csv.message }] };
    for (const record of csv.records) raw.push({ line: record.line, value: fromCsv(record.values) });
  }

  const rows: FixtureRow[] = [];
  const seen = new Map<number, number>();
  for (const { line, value } of raw) {
    const parsed = fixtureRowSchema.safeParse(value, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(row)';
        const rule =
          issue.code === 'unrecognized_keys'
            ? 'unknown_key'
            : issue.code === 'custom'
              ? String(issue.params?.['rule'] ?? 'custom')
              : 'type';
        const message =
          issue.code === 'unrecognized_keys'
            ? `${issue.message}; fixture fields are those of the registry the inspection reads`
            : issue.message;
        shapeIssues.push({ field: `line ${line}: ${field}`, rule, message });
      }
      continue;
    }
    const id = parsed.data.id ?? line;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      shapeIssues.push({
        field: `line ${line}: id`,
        rule: 'unique',
        message: `id ${id} is already used on line ${earlier}`,
      });
      continue;
    }
    seen.set(id, line);
    rows.push({ line, id, fields: parsed.data, issues: badRowIssues(line, parsed.data) });
  }
  // In file order, whichever pass found them.
  shapeIssues.sort((a, b) => lineOf(a.field) - lineOf(b.field));
  return { rows, shapeIssues };
}

const lineOf = (field: string) => Number(/^line ([0-9]+)/.exec(field)?.[1] ?? 0);

/** CSV carries text only: an empty cell is NULL, `id` a number, `certified` true/false. */
function fromCsv(values: Record<string, string>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === '') row[key] = null;
    else if (key === 'id') row[key] = /^[0-9]+$/.test(value) ? Number(value) : value;
    else if (key === 'certified') row[key] = value === 'true' ? true : value === 'false' ? false : value;
    else row[key] = value;
  }
  if (row['id'] === null) delete row['id'];
  if (row['certified'] === null) delete row['certified'];
  return row;
}

const blank = (value: string | null | undefined) =>
  value === null || value === undefined || value.trim() === '';

/**
 * What production would refuse or leave alone in this row (seed 001's bad-input list): it can be
 * stored as written, and with --keep-bad-rows it is, never fixed, to watch the inspection judge it.
 */
function badRowIssues(line: number, row: FixtureRowInput): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const at = (field: string) => `line ${line}: ${field}`;
  if (blank(row.entity_code))
    issues.push({
      field: at('entity_code'),
      rule: 'required',
      message: 'is missing; the birth block refuses such a row',
    });
  else if (!ENTITY_CODE_PATTERN.test(row.entity_code!))
    issues.push({ field: at('entity_code'), rule: 'pattern', message: 'must look like PREFIX-NNN' });
  if (blank(row.collection_name))
    issues.push({
      field: at('collection_name'),
      rule: 'required',
      message: 'is missing; the birth block refuses such a row',
    });
  if (
    row.governance_role !== undefined &&
    row.governance_role !== null &&
    !(GOVERNANCE_ROLES as readonly string[]).includes(row.governance_role)
  )
    issues.push({
      field: at('governance_role'),
      rule: 'one_of',
      message: `must be one of ${GOVERNANCE_ROLES.join(', ')}`,
    });
  if (row.certified === true)
    issues.push({
      field: at('certified'),
      rule: 'certified_like',
      message: 'is true: the inspection skips a certified row',
    });
  const state = stampState(row);
  if (state !== 'ok')
    issues.push({
      field: at('inspect_*'),
      rule: 'ambiguous_stamps',
      message: `the stamps are ambiguous (${state}); the inspection never continues such a row`,
    });
  return issues;
}

/** The stud's reading of the row's stamps: 'ok' for none or a valid prefix, else why it is ambiguous. */
function stampState(row: FixtureRowInput): string {
  const time = (value: string | null | undefined) => (value ? Date.parse(value) : null);
  const pen = time(row.inspect_pen);
  const stamp = time(row.inspect_stamp);
  const gate = time(row.inspect_gate);
  if (pen === null && stamp !== null) return 'stamp_without_pen';
  if (pen === null && gate !== null) return 'gate_without_pen';
  if (stamp === null && gate !== null) return 'gate_without_stamp';
  if (pen !== null && stamp !== null && stamp < pen) return 'stamp_before_pen';
  if (stamp !== null && gate !== null && gate < stamp) return 'gate_before_stamp';
  return 'ok';
}
