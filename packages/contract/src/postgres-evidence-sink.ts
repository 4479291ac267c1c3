import { type EvidenceRecord, type EvidenceRecordInput, evidenceRecordSchema } from './evidence.js';
import { parseOrThrow } from './parse.js';
import type { EvidenceSink, StoredEvidence } from './ports/evidence-sink.js';
import type { Queryable } from './ports/queryable.js';

interface EvidenceColumns {
  kind: EvidenceRecord['kind'];
  run_id: string | null;
  row_id: string | null;
  entity_code: string | null;
  stage: string | null;
  check_id: string | null;
  rule_set_hash: string | null;
  message: string | null;
}

/** The indexed columns of one record; the whole record is also kept in `payload`. */
function toColumns(record: EvidenceRecord): EvidenceColumns {
  const none = {
    run_id: null,
    row_id: null,
    entity_code: null,
    stage: null,
    check_id: null,
    rule_set_hash: null,
    message: null,
  };
  switch (record.kind) {
    case 'inspection_failure':
      return {
        kind: record.kind,
        run_id: record.runId,
        row_id: record.rowId,
        entity_code: record.entityCode,
        stage: record.stage,
        check_id: record.checkId,
        rule_set_hash: record.ruleSetHash,
        message: record.message,
      };
    case 'ambiguous_row':
      // The failure-once index is on (row_id, check_id, rule_set_hash): the prefix keeps reasons apart from check ids.
      return {
        ...none,
        kind: record.kind,
        run_id: record.runId,
        row_id: record.rowId,
        entity_code: record.entityCode,
        check_id: `ambiguous:${record.reason}`,
        rule_set_hash: record.ruleSetHash,
        message: record.reason,
      };
    case 'run_report':
      return {
        ...none,
        kind: record.kind,
        run_id: record.report.runId,
        rule_set_hash: record.report.ruleSetHash,
        message: record.report.outcome,
      };
    case 'rule_set_activated':
      return {
        ...none,
        kind: record.kind,
        rule_set_hash: record.hash,
        message: `rule set ${record.version} activated by ${record.activatedBy}`,
      };
    case 'promotion_requested':
      return {
        ...none,
        kind: record.kind,
        row_id: record.rowId,
        entity_code: record.entityCode,
        message: `approval request ${record.approvalRequestId}`,
      };
    case 'note':
      return { ...none, kind: record.kind, run_id: record.runId ?? null, check_id: record.topic };
  }
}

/**
 * The evidence log in PostgreSQL (`birth_lane.evidence`). A batch is one INSERT, so it is written
 * whole or not at all; a failure already recorded for the same row, check and rule set is not
 * recorded again.
 */
export class PostgresEvidenceSink implements EvidenceSink {
  readonly specificationVersion = 'v1' as const;

  constructor(private readonly db: Queryable) {}

  async append(records: readonly EvidenceRecordInput[]): Promise<void> {
    if (records.length === 0) return;
    const parsed = records.map((record, index) =>
      parseOrThrow(evidenceRecordSchema, record, `evidence record #${index}`),
    );
    const rows = parsed.map((record) => ({ ...toColumns(record), payload: record }));
    await this.db.query(
      `insert into birth_lane.evidence (kind, run_id, row_id, entity_code, stage, check_id, rule_set_hash, message, payload)
       select kind, run_id, row_id, entity_code, stage, check_id, rule_set_hash, message, payload
         from jsonb_to_recordset($1::jsonb) as r(kind text, run_id uuid, row_id bigint, entity_code text, stage text,
                                                 check_id text, rule_set_hash text, message text, payload jsonb)
       on conflict (row_id, check_id, rule_set_hash) where kind in ('inspection_failure', 'ambiguous_row') do nothing`,
      [JSON.stringify(rows)],
    );
  }

  async list(
    filter: { runId?: string; kind?: EvidenceRecord['kind']; limit?: number } = {},
  ): Promise<StoredEvidence[]> {
    const { rows } = await this.db.query<{ id: string; recorded_at: Date; payload: unknown }>(
      `select id::text, recorded_at, payload from birth_lane.evidence
        where ($1::uuid is null or run_id = $1::uuid) and ($2::text is null or kind = $2::text)
        order by id limit $3::int`,
      [filter.runId ?? null, filter.kind ?? null, filter.limit ?? 10_000],
    );
    return rows.map((row) => ({
      id: row.id,
      recordedAt: row.recorded_at,
      record: parseOrThrow(evidenceRecordSchema, row.payload, `stored evidence ${row.id}`),
    }));
  }
}
