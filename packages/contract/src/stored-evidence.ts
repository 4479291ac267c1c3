import { evidenceRecordSchema } from './evidence.js';
import { toIssues } from './parse.js';
import type { EvidenceReading, MalformedEvidence, StoredEvidence } from './ports/evidence-sink.js';

/** One row of birth_lane.evidence as a reader selects it. */
export interface EvidenceRow {
  readonly id: string;
  readonly kind: string;
  readonly recorded_at: Date;
  readonly recorded_by: string;
  readonly payload: unknown;
}

/**
 * Sorts rows into well-formed records and malformed ones. A record is malformed when its payload
 * does not match the evidence schema or names another kind than its row: such a record was not
 * written by the lane's functions (a superuser's hand, an older writer), so a reader reports it
 * (id and why) and goes on rather than failing on it or trusting it.
 */
export function sortEvidenceRows(rows: readonly EvidenceRow[]): EvidenceReading {
  const records: StoredEvidence[] = [];
  const malformed: MalformedEvidence[] = [];
  for (const row of rows) {
    const parsed = evidenceRecordSchema.safeParse(row.payload, { reportInput: true });
    const base = { id: row.id, kind: row.kind, recordedBy: row.recorded_by };
    if (!parsed.success) {
      const problem = toIssues(parsed.error)
        .slice(0, 3)
        .map((issue) => `${issue.field}: ${issue.message}`)
        .join('; ');
      malformed.push({ ...base, problem });
    } else if (parsed.data.kind !== row.kind) {
      malformed.push({ ...base, problem: `payload kind ${parsed.data.kind} differs from the row's kind` });
    } else {
      records.push({
        id: row.id,
        recordedAt: row.recorded_at,
        recordedBy: row.recorded_by,
        record: parsed.data,
      });
    }
  }
  return { records, malformed };
}

/** One line for people: `2 malformed evidence record(s) skipped: ids 17, 18`. */
export function describeMalformedEvidence(malformed: readonly MalformedEvidence[]): string {
  const ids = malformed.slice(0, 10).map((entry) => entry.id);
  const more = malformed.length > ids.length ? ` and ${malformed.length - ids.length} more` : '';
  return `${malformed.length} malformed evidence record(s) skipped: ids ${ids.join(', ')}${more}`;
}
