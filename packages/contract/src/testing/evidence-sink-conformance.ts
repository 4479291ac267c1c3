import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import type { EvidenceRecordInput } from '../evidence.js';
import type { EvidenceSink } from '../ports/evidence-sink.js';

const HASH = 'a'.repeat(64);

/** An EvidenceSink must keep what it is given, in order, whole batches or nothing, and refuse bad records. */
export function describeEvidenceSinkConformance(
  name: string,
  makeSink: () => EvidenceSink | Promise<EvidenceSink>,
): void {
  describe(`EvidenceSink conformance: ${name}`, () => {
    it('declares specification v1', async () => {
      expect((await makeSink()).specificationVersion).toBe('v1');
    });

    it('returns appended records for their run, in append order', async () => {
      const sink = await makeSink();
      const runId = randomUUID();
      const records: EvidenceRecordInput[] = [
        {
          kind: 'inspection_failure',
          runId,
          rowId: '1',
          entityCode: 'ENT-001',
          stage: 'pen',
          checkId: 'pen.a',
          ruleSetHash: HASH,
          message: 'first',
        },
        {
          kind: 'inspection_failure',
          runId,
          rowId: '2',
          entityCode: 'ENT-002',
          stage: 'stamp',
          checkId: 'stamp.b',
          ruleSetHash: HASH,
          message: 'second',
        },
      ];
      await sink.append(records);
      const stored = await sink.list({ runId });
      expect(stored.map((entry) => entry.record)).toEqual(records);
    });

    it('refuses a batch with an invalid record and writes none of it', async () => {
      const sink = await makeSink();
      const runId = randomUUID();
      const good: EvidenceRecordInput = {
        kind: 'inspection_failure',
        runId,
        rowId: '3',
        entityCode: 'ENT-003',
        stage: 'gate',
        checkId: 'gate.c',
        ruleSetHash: HASH,
        message: 'ok',
      };
      const bad = { ...good, stage: 'certify' } as unknown as EvidenceRecordInput;
      const error = await sink.append([good, bad]).catch((caught: unknown) => caught);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).issues.map((issue) => issue.field)).toContain('stage');
      expect(await sink.list({ runId })).toEqual([]);
    });

    it('records the same failure of the same row, check and rule set once', async () => {
      const sink = await makeSink();
      const first = randomUUID();
      const failure = (runId: string): EvidenceRecordInput => ({
        kind: 'inspection_failure',
        runId,
        rowId: '4',
        entityCode: 'ENT-004',
        stage: 'pen',
        checkId: 'pen.once',
        ruleSetHash: HASH,
        message: 'once',
      });
      await sink.append([failure(first)]);
      const second = randomUUID();
      await sink.append([failure(second)]);
      expect(await sink.list({ runId: first })).toHaveLength(1);
      expect(await sink.list({ runId: second })).toHaveLength(0);
    });
  });
}
