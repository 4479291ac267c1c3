import { describe, expect, it } from 'vitest';
import { judge, type RowStory } from './row-story.js';

type Story = Omit<RowStory, 'verdict' | 'next'>;

const HASH = 'a'.repeat(64);
const base: Story = {
  rowId: '7',
  entityCode: 'ENT-007',
  collection: 'fauna',
  governanceRole: 'governed',
  bornAt: '2026-12-01T00:00:00.000Z',
  canonical: false,
  stamps: { pen: null, stamp: null, gate: null },
  stampState: 'none',
  stampReason: 'no_stamps',
  certified: false,
  certifiedAt: null,
  activeRuleSetHash: HASH,
  failures: [],
  ambiguity: null,
  promotion: null,
  malformed: [],
};
const failure = (ruleSetHash: string) => ({
  recordedAt: '2026-12-01T00:00:01.000Z',
  runId: null,
  stage: 'stamp',
  checkId: 'stamp.name.required',
  message: 'name is required',
  ruleSetHash,
  underActiveRuleSet: ruleSetHash === HASH,
});
const promotion = (quorumMet: boolean) => ({
  requestId: '12',
  risk: 'high',
  requestedAt: '2026-12-01T00:00:02.000Z',
  reason: 'canonical row',
  quorumMet,
  usedAt: null,
  missing: quorumMet ? [] : ['1 president approval'],
  votes: [],
});

describe('judge: the verdict and the next step of a row', () => {
  it('takes the first cause that holds, in the lane order', () => {
    const complete = { stampState: 'complete', stampReason: 'all_stamps' } as const;
    const cases: [Partial<Story>, RowStory['verdict'], RegExp][] = [
      [{ certified: true, certifiedAt: '2026-12-02T00:00:00.000Z' }, 'certified', /certified at 2026-12-02/],
      [{ governanceRole: 'observed' }, 'out_of_scope', /observed rows are out of the lane's scope/],
      [{ stampState: 'ambiguous', stampReason: 'gate_without_pen' }, 'ambiguous', /\(gate_without_pen\)/],
      [{ failures: [failure(HASH)] }, 'failing', /stamp:stamp\.name\.required passes/],
      [{ ...complete, canonical: true }, 'awaiting_promotion', /a promotion request for it is expected/],
      [
        { ...complete, canonical: true, promotion: promotion(false) },
        'awaiting_promotion',
        /approval request 12 \(risk high\) needs quorum \(missing: 1 president approval\)/,
      ],
      [
        { ...complete, canonical: true, promotion: promotion(true) },
        'awaiting_promotion',
        /select birth_lane\.promote\(7, 12\)/,
      ],
      [{}, 'never_inspected', /a producer run inspects it/],
      [{ failures: [failure('b'.repeat(64))] }, 'in_progress', /under another rule set than the active one/],
      [{ stampState: 'partial', stampReason: 'pen_only' }, 'in_progress', /continues it from pen_only/],
    ];
    for (const [change, verdict, next] of cases) {
      const judged = judge({ ...base, ...change });
      expect(judged.verdict, JSON.stringify(change)).toBe(verdict);
      expect(judged.next).toMatch(next);
    }
  });

  it('a failure under the active rule set outweighs a canonical row with complete stamps', () => {
    const judged = judge({
      ...base,
      stampState: 'complete',
      canonical: true,
      failures: [failure(HASH)],
    });
    expect(judged.verdict).toBe('failing');
  });
});
