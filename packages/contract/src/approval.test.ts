import { describe, expect, it } from 'vitest';
import { type ApproverRole, evaluateQuorum, type Risk, type Vote } from './approval.js';
import { identityKey } from './identity-key.js';

// No action: the bare rule by risk (every action's minimum is medium or more, see the min-risk test).
const request = (risk: Risk, proposer = 'proposer') => ({ id: '1', risk, proposer });
let clock = 0;
const vote = (
  voter: string,
  role: ApproverRole,
  decision: 'approve' | 'reject' = 'approve',
  requestId = '1',
): Vote => ({
  requestId,
  voter,
  role,
  decision,
  castAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)),
});

describe('evaluateQuorum: the S1 rule on every case of the brief', () => {
  const cases: readonly { name: string; risk: Risk; votes: Vote[]; met: boolean }[] = [
    // high = at least one president + at least two ai_council approvals and no reject
    {
      name: 'high: president + 2 ai_council',
      risk: 'high',
      votes: [vote('p', 'president'), vote('a', 'ai_council'), vote('b', 'ai_council')],
      met: true,
    },
    {
      name: 'high: president + 1 ai_council',
      risk: 'high',
      votes: [vote('p', 'president'), vote('a', 'ai_council')],
      met: false,
    },
    {
      name: 'high: 3 ai_council, no president',
      risk: 'high',
      votes: [vote('a', 'ai_council'), vote('b', 'ai_council'), vote('c', 'ai_council')],
      met: false,
    },
    {
      name: 'high: full quorum plus one reject',
      risk: 'high',
      votes: [
        vote('p', 'president'),
        vote('a', 'ai_council'),
        vote('b', 'ai_council'),
        vote('m', 'approver', 'reject'),
      ],
      met: false,
    },
    {
      name: 'high: the same ai_council voter twice counts once',
      risk: 'high',
      votes: [vote('p', 'president'), vote('a', 'ai_council'), vote('A ', 'ai_council')],
      met: false,
    },
    {
      name: 'high: proposer as one of the ai_council does not count',
      risk: 'high',
      votes: [vote('p', 'president'), vote('a', 'ai_council'), vote('proposer', 'ai_council')],
      met: false,
    },
    {
      name: 'high: a reject stands even when the voter approves later',
      risk: 'high',
      votes: [
        vote('p', 'president'),
        vote('a', 'ai_council', 'reject'),
        vote('a', 'ai_council'),
        vote('b', 'ai_council'),
      ],
      met: false,
    },
    {
      name: 'high: a later vote replaces an approve (approve, then reject)',
      risk: 'high',
      votes: [
        vote('p', 'president'),
        vote('a', 'ai_council'),
        vote('b', 'ai_council'),
        vote('b', 'ai_council', 'reject'),
      ],
      met: false,
    },
    {
      name: 'high: the proposer under a fullwidth, zero-width, upper-case name does not count',
      risk: 'high',
      votes: [vote('p', 'president'), vote('a', 'ai_council'), vote('ＰＲＯ\u200bposer\u00a0', 'ai_council')],
      met: false,
    },
    {
      name: 'high: one person under two look-alike logins counts once',
      risk: 'high',
      votes: [vote('p', 'president'), vote('a', 'ai_council'), vote('\ufeffA', 'ai_council')],
      met: false,
    },
    // medium = at least one president
    { name: 'medium: president', risk: 'medium', votes: [vote('p', 'president')], met: true },
    {
      name: 'medium: only ai_council',
      risk: 'medium',
      votes: [vote('a', 'ai_council'), vote('b', 'ai_council')],
      met: false,
    },
    {
      name: 'medium: self-approval by a president proposer',
      risk: 'medium',
      votes: [vote('proposer', 'president')],
      met: false,
    },
    // low = at least one approval
    { name: 'low: one approver approval', risk: 'low', votes: [vote('m', 'approver')], met: true },
    { name: 'low: only a reject', risk: 'low', votes: [vote('m', 'approver', 'reject')], met: false },
    { name: 'low: self-approval', risk: 'low', votes: [vote('Proposer', 'approver')], met: false },
    // silence is not approval; a vote for another request never counts
    { name: 'low: silence', risk: 'low', votes: [], met: false },
    { name: 'high: silence', risk: 'high', votes: [], met: false },
    {
      name: 'low: vote for another request',
      risk: 'low',
      votes: [vote('m', 'approver', 'approve', '2')],
      met: false,
    },
  ];

  it.each(cases)('$name → met=$met', ({ risk, votes, met }) => {
    expect(evaluateQuorum(request(risk), votes).met).toBe(met);
  });

  it('says why votes were ignored', () => {
    const result = evaluateQuorum(request('low'), [
      vote('proposer', 'approver'),
      vote('x', 'approver', 'approve', '9'),
    ]);
    expect(result.ignored.map((entry) => entry.why)).toEqual([
      'the proposer never counts as an approver',
      'vote is for request 9, not 1',
    ]);
    expect(result.reason).toMatch(/silence is not approval/);
  });
});

describe('evaluateQuorum: minimum risk, expiry and use', () => {
  it('judges a request at its action minimum when the stored risk is lower', () => {
    const votes = [vote('p', 'president')];
    expect(evaluateQuorum({ id: '1', action: 'gate_flip', risk: 'low', proposer: 'x' }, votes).met).toBe(
      true,
    );
    const promotion = evaluateQuorum({ id: '1', action: 'promotion', risk: 'low', proposer: 'x' }, votes);
    expect(promotion.met).toBe(false);
    expect(promotion.missing).toEqual(['2 ai_council approval(s)']);
  });

  it('approves nothing once expired or used', () => {
    const votes = [vote('p', 'president')];
    const base = { id: '1', action: 'gate_flip' as const, risk: 'medium' as const, proposer: 'x' };
    const now = new Date(Date.UTC(2026, 0, 2));
    expect(evaluateQuorum({ ...base, expiresAt: new Date(Date.UTC(2026, 0, 3)) }, votes, now).met).toBe(true);
    expect(evaluateQuorum({ ...base, expiresAt: now }, votes, now).missing).toEqual([
      'a request that has not expired',
    ]);
    expect(evaluateQuorum({ ...base, usedAt: now }, votes, now).missing).toEqual([
      'a request not used before',
    ]);
  });
});

describe('identityKey', () => {
  it.each([
    ['alice', 'alice'],
    ['ALICE', 'alice'],
    ['ａｌｉｃｅ', 'alice'],
    ['Ａlice', 'alice'],
    ['ali\u200bce', 'alice'],
    ['\ufeffalice\u00a0', 'alice'],
    ['a l i c e', 'alice'],
    ['ali\u00adce\u2060', 'alice'],
    ['alicé', 'alicé'],
    ['ÀLICE', 'Àlice'],
  ])('%j → %j', (name, key) => {
    expect(identityKey(name)).toBe(key);
  });
});
