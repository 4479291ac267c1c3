import { BirthLaneError } from './errors.js';
import {
  EVIDENCE_WRITERS,
  type EvidenceRecordInput,
  evidenceRecordSchema,
  RESERVED_NOTE_TOPIC_PATTERN,
} from './evidence.js';
import { parseOrThrow } from './parse.js';
import type { EvidenceFilter, EvidenceReading, EvidenceSink, StoredEvidence } from './ports/evidence-sink.js';
import type { Queryable } from './ports/queryable.js';
import { type EvidenceRow, sortEvidenceRows } from './stored-evidence.js';

/**
 * The evidence log in PostgreSQL (`birth_lane.evidence`). No lane role may INSERT into it: every
 * kind but `note` is written by the database function that owns it (EVIDENCE_WRITERS), so this
 * sink appends only notes, through `birth_lane.append_note`, which sets the id, the time and the
 * writer (session_user). Any other kind is refused before anything is sent, naming its writer.
 * A batch is one statement, so it is written whole or not at all.
 */
export class PostgresEvidenceSink implements EvidenceSink {
  readonly specificationVersion = 'v1' as const;

  constructor(private readonly db: Queryable) {}

  async append(records: readonly EvidenceRecordInput[]): Promise<void> {
    if (records.length === 0) return;
    const notes = records.map((input, index) => {
      const record = parseOrThrow(evidenceRecordSchema, input, `evidence record #${index}`);
      if (record.kind !== 'note') {
        throw new BirthLaneError(
          'FORBIDDEN_ACTION',
          `Evidence of kind ${record.kind} (record #${index}) is written only by ${EVIDENCE_WRITERS[record.kind]}, ` +
            'never appended by a client; a client appends notes (birth_lane.append_note).',
        );
      }
      if (RESERVED_NOTE_TOPIC_PATTERN.test(record.topic)) {
        throw new BirthLaneError(
          'FORBIDDEN_ACTION',
          `Note topic ${record.topic} (record #${index}) is reserved for the lane's own functions (certify, approval, rules, inspect, install, promotion, run and the evidence kinds, with any separator).`,
        );
      }
      return { n: index, topic: record.topic, payload: record.payload, run_id: record.runId ?? null };
    });
    // One statement for the batch; `order by n` keeps the notes' ids in the caller's order.
    await this.db.query(
      `select birth_lane.append_note(note.topic, note.payload, note.run_id)
         from jsonb_to_recordset($1::jsonb) as note(n int, topic text, payload jsonb, run_id uuid)
        order by note.n`,
      [JSON.stringify(notes)],
    );
  }

  /** Well-formed records only; `read` also returns the malformed ones. */
  async list(filter: EvidenceFilter = {}): Promise<StoredEvidence[]> {
    return (await this.read(filter)).records;
  }

  async read(filter: EvidenceFilter = {}): Promise<EvidenceReading> {
    const { rows } = await this.db.query<EvidenceRow>(
      // `order by e.id`, the bigint column: `order by id` would sort the text output column.
      `select e.id::text as id, e.kind, e.recorded_at, e.recorded_by, e.payload from birth_lane.evidence e
        where ($1::uuid is null or e.run_id = $1::uuid) and ($2::text is null or e.kind = $2::text)
        order by e.id limit $3::int`,
      [filter.runId ?? null, filter.kind ?? null, filter.limit ?? 10_000],
    );
    return sortEvidenceRows(rows);
  }
}
