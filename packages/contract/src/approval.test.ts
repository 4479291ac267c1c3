import { describe, expect, it } from 'vitest';
import { type ApproverRole, evaluateQuorum, type Risk, type Vote } from './approval.js';

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
        vote('m', 'member', 'reject'),
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
      name: 'high: a voter who rejected and later approved counts as approving',
      risk: 'high',
      votes: [
        vote('p', 'president'),
        vote('a', 'ai_council', 'reject'),
        vote('a', 'ai_council'),
        vote('b', 'ai_council'),
      ],
      met: true,
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
    { name: 'low: one member approval', risk: 'low', votes: [vote('m', 'member')], met: true },
    { name: 'low: only a reject', risk: 'low', votes: [vote('m', 'member', 'reject')], met: false },
    { name: 'low: self-approval', risk: 'low', votes: [vote('Proposer', 'member')], met: false },
    // silence is not approval; a vote for another request never counts
    { name: 'low: silence', risk: 'low', votes: [], met: false },
    { name: 'high: silence', risk: 'high', votes: [], met: false },
    {
      name: 'low: vote for another request',
      risk: 'low',
      votes: [vote('m', 'member', 'approve', '2')],
      met: false,
    },
  ];

  it.each(cases)('$name → met=$met', ({ risk, votes, met }) => {
    expect(evaluateQuorum(request(risk), votes).met).toBe(met);
  });

  it('says why votes were ignored', () => {
    const result = evaluateQuorum(request('low'), [
      vote('proposer', 'member'),
      vote('x', 'member', 'approve', '9'),
    ]);
    expect(result.ignored.map((entry) => entry.why)).toEqual([
      'the proposer never counts as an approver',
      'vote is for request 9, not 1',
    ]);
    expect(result.reason).toMatch(/silence is not approval/);
  });
});
