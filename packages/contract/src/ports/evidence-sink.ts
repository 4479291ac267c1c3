import type { EvidenceKind, EvidenceRecord, EvidenceRecordInput } from '../evidence.js';

export interface StoredEvidence {
  readonly id: string;
  readonly recordedAt: Date;
  /** The login (session_user) that wrote the record, set by the database. */
  readonly recordedBy: string;
  readonly record: EvidenceRecord;
}

/** A stored record that does not match the evidence schema: reported, never thrown. */
export interface MalformedEvidence {
  readonly id: string;
  readonly kind: string;
  readonly recordedBy: string;
  /** Why it does not parse, e.g. `report.scanned: must be a number`. */
  readonly problem: string;
}

export interface EvidenceReading {
  readonly records: StoredEvidence[];
  readonly malformed: MalformedEvidence[];
}

export interface EvidenceFilter {
  readonly runId?: string;
  readonly kind?: EvidenceKind;
  readonly limit?: number;
}

/**
 * Where evidence goes (S7). `append` validates every record and writes all or none of a batch;
 * a sink may refuse kinds that only a database function may write (PostgresEvidenceSink appends
 * only `note`). There is deliberately no update or delete. Readers survive a malformed record:
 * `read` returns it apart, `list` leaves it out.
 */
export interface EvidenceSink {
  readonly specificationVersion: 'v1';
  append(records: readonly EvidenceRecordInput[]): Promise<void>;
  list(filter?: EvidenceFilter): Promise<StoredEvidence[]>;
  read(filter?: EvidenceFilter): Promise<EvidenceReading>;
}
