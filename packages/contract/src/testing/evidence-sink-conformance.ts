import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BirthLaneError, ValidationError } from '../errors.js';
import { EVIDENCE_KINDS, EVIDENCE_WRITERS, type EvidenceRecordInput } from '../evidence.js';
import type { EvidenceSink } from '../ports/evidence-sink.js';
import { runReportFixture } from './run-report-fixture.js';

const HASH = 'a'.repeat(64);

/** One well-formed record of every kind a client may not append (all but `note`). */
export function forgedEvidenceOfEachKind(runId: string): EvidenceRecordInput[] {
  const failure = {
    runId,
    rowId: '1',
    entityCode: 'ENT-001',
    ruleSetHash: HASH,
  };
  const report = runReportFixture({
    runId,
    ruleSetHash: HASH,
    channel: 'once',
    startedAt: new Date('2099-01-01T00:00:00Z'),
    endedAt: new Date('2099-01-01T00:00:01Z'),
    scanned: 0,
    passed: { pen: 0, stamp: 0, gate: 0 },
    failed: { pen: 0, stamp: 0, gate: 0 },
  });
  const scope = { rowId: '1' };
  return [
    { kind: 'inspection_failure', ...failure, stage: 'pen', checkId: 'pen.forged', message: 'harmless' },
    { kind: 'ambiguous_row', ...failure, reason: 'forged' },
    { kind: 'run_report', report } as EvidenceRecordInput,
    { kind: 'rule_set_activated', version: '9.9.9', hash: HASH, activatedBy: 'someone else' },
    { kind: 'promotion_requested', rowId: '1', entityCode: 'ENT-001', approvalRequestId: '1' },
    {
      kind: 'approval_requested',
      approvalRequestId: '1',
      action: 'promotion',
      scope,
      risk: 'high',
      proposer: 'someone else',
      expiresAt: '2099-01-01T00:00:00Z',
    },
    {
      kind: 'approval_voted',
      approvalRequestId: '1',
      voteId: '1',
      voter: 'president',
      role: 'president',
      decision: 'approve',
    },
    { kind: 'approval_used', approvalRequestId: '1', action: 'promotion', scope, usedBy: 'someone else' },
  ];
}

/**
 * An EvidenceSink keeps the notes it is given, in order, whole batches or nothing; refuses bad
 * records; and refuses every kind that only a database function may write, naming that function.
 */
export function describeEvidenceSinkConformance(
  name: string,
  makeSink: () => EvidenceSink | Promise<EvidenceSink>,
  options: {
    /**
     * A run id the sink's writer may attach notes to. The PostgreSQL sink accepts only a run this
     * login began (birth_lane.producer_runs); an in-memory sink takes any id.
     */
    newRunId?: () => string | Promise<string>;
  } = {},
): void {
  const newRunId = options.newRunId ?? randomUUID;
  describe(`EvidenceSink conformance: ${name}`, () => {
    it('declares specification v1', async () => {
      expect((await makeSink()).specificationVersion).toBe('v1');
    });

    it('returns appended notes for their run, in append order', async () => {
      const sink = await makeSink();
      const runId = await newRunId();
      const records: EvidenceRecordInput[] = [
        { kind: 'note', topic: 'test.first', runId, payload: { n: 1, nested: { keep: null } } },
        { kind: 'note', topic: 'test.second', runId, payload: { n: 2 } },
      ];
      await sink.append(records);
      const stored = await sink.list({ runId });
      expect(stored.map((entry) => entry.record)).toEqual(records);
      expect(stored.every((entry) => entry.recordedBy.length > 0)).toBe(true);
      expect((await sink.read({ runId })).malformed).toEqual([]);
    });

    it('refuses a batch with an invalid record and writes none of it', async () => {
      const sink = await makeSink();
      const runId = await newRunId();
      const good: EvidenceRecordInput = { kind: 'note', topic: 'test.good', runId, payload: {} };
      const bad = { ...good, topic: 'Not A Topic' } as EvidenceRecordInput;
      const error = await sink.append([good, bad]).catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toContain('topic');
      expect(await sink.list({ runId })).toEqual([]);
    });

    it.each(EVIDENCE_KINDS.filter((kind) => kind !== 'note'))(
      'refuses to append %s, naming the function that owns it, and writes nothing',
      async (kind) => {
        const sink = await makeSink();
        const runId = await newRunId();
        const forged = forgedEvidenceOfEachKind(runId).find((record) => record.kind === kind)!;
        const honest: EvidenceRecordInput = { kind: 'note', topic: 'test.beside', runId, payload: {} };
        const error = await sink.append([honest, forged]).catch((caught: unknown) => caught);
        expect(BirthLaneError.isInstance(error)).toBe(true);
        expect((error as BirthLaneError).code).toBe('FORBIDDEN_ACTION');
        expect((error as Error).message).toContain(EVIDENCE_WRITERS[kind]);
        expect(await sink.list({ runId })).toEqual([]);
      },
    );

    it('refuses a note under a topic reserved for the lane functions', async () => {
      const sink = await makeSink();
      const error = await sink
        .append([{ kind: 'note', topic: 'certify.promoted', payload: { rowId: '1' } }])
        .catch((caught: unknown) => caught);
      expect((error as BirthLaneError).code).toBe('FORBIDDEN_ACTION');
    });
  });
}
