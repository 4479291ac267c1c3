import { describe, expect, it } from 'vitest';
import type { Inspector } from '../ports/inspector.js';
import type { InspectableRow } from '../registry-row.js';
import { stageVerdictSchema } from '../verdict.js';

export interface InspectorCase {
  readonly row: InspectableRow;
  readonly passes: boolean;
}

/** An Inspector must be pure, judge only its own stage, and give verdicts that match the contract. */
export function describeInspectorConformance(
  name: string,
  makeInspector: () => Inspector,
  cases: readonly InspectorCase[],
): void {
  describe(`Inspector conformance: ${name}`, () => {
    const now = new Date('2026-01-01T00:00:00Z');

    it('declares specification v1 and a rule set reference', () => {
      const inspector = makeInspector();
      expect(inspector.specificationVersion).toBe('v1');
      expect(inspector.ruleSet.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    it.each(cases.map((entry, index) => [index, entry] as const))(
      'case %i gives the expected, well-formed verdict',
      (_index, entry) => {
        const inspector = makeInspector();
        const verdict = inspector.inspect(entry.row, now);
        expect(stageVerdictSchema.safeParse(verdict).success).toBe(true);
        expect(verdict.stage).toBe(inspector.stage);
        expect(verdict.passed).toBe(entry.passes);
      },
    );

    it('is pure: the same row gives the same verdict and is not modified', () => {
      const inspector = makeInspector();
      for (const entry of cases) {
        const copy = structuredClone(entry.row);
        expect(inspector.inspect(entry.row, now)).toEqual(inspector.inspect(entry.row, now));
        expect(entry.row).toEqual(copy);
      }
    });
  });
}
