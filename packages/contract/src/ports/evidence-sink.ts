import type { EvidenceRecord, EvidenceRecordInput } from '../evidence.js';

export interface StoredEvidence {
  readonly id: string;
  readonly recordedAt: Date;
  readonly record: EvidenceRecord;
}

/**
 * Where evidence goes (S7). `append` validates every record and writes all or none of a batch.
 * There is deliberately no update or delete.
 */
export interface EvidenceSink {
  readonly specificationVersion: 'v1';
  append(records: readonly EvidenceRecordInput[]): Promise<void>;
  list(filter?: { runId?: string; kind?: EvidenceRecord['kind']; limit?: number }): Promise<StoredEvidence[]>;
}
