import { useTestDatabase } from '@birth-lane/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APPROVAL_ACTIONS, APPROVER_ROLES, evaluateQuorum, RISKS, type Vote } from '../src/approval.js';
import { contractSteps } from '../src/contract-steps.js';
import { IDENTITY_KEY_REMOVED_RANGES, identityKey } from '../src/identity-key.js';

// The SQL side reads rows the test writes as the table owner (synthetic votes with chosen names,
// roles and times), since the property is about the rule, not the writers; the writers' own
// guards are tested with real logins in approvals-attacks.int.test.ts.
const t = useTestDatabase({ setupSql: contractSteps.map((step) => step.mutation), name: 'quorum-agreement' });

const BASE_NAMES = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
const INVISIBLE = [
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u034f',
  '\u180e',
  '\u{e0020}',
  '\ufe0f',
];
const SPACES = [' ', '\t', '\u00a0', '\u2003', '\u3000', '\u202f'];
const toFullwidth = (name: string) =>
  [...name]
    .map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0)! + 0xfee0) : c))
    .join('');

/** A login-like name: one of a few people, spelled in one of the ways a look-alike login could be. */
const nameArbitrary = fc
  .record({
    base: fc.constantFrom(...BASE_NAMES),
    casing: fc.constantFrom('as is', 'upper', 'first upper'),
    fullwidth: fc.boolean(),
    invisible: fc.option(fc.tuple(fc.constantFrom(...INVISIBLE), fc.nat(8)), { nil: undefined }),
    space: fc.option(fc.constantFrom(...SPACES), { nil: undefined }),
    // Not the same person: an accent or a Cyrillic look-alike letter makes another identity.
    other: fc.constantFrom('', '', '', '\u0301', 'cyrillic'),
  })
  .map(({ base, casing, fullwidth, invisible, space, other }) => {
    let name: string = base;
    if (other === 'cyrillic') name = name.replace('a', '\u0430').replace('e', '\u0435');
    else name += other;
    if (casing === 'upper') name = name.toUpperCase();
    if (casing === 'first upper') name = name[0]!.toUpperCase() + name.slice(1);
    if (fullwidth) name = toFullwidth(name);
    if (invisible) {
      const [char, at] = invisible;
      const chars = [...name];
      chars.splice(at % (chars.length + 1), 0, char);
      name = chars.join('');
    }
    if (space) name = `${space}${name}${space}`;
    return name;
  });

const voteArbitrary = fc.record({
  voter: nameArbitrary,
  role: fc.constantFrom(...APPROVER_ROLES),
  decision: fc.constantFrom('approve' as const, 'reject' as const),
  // Few distinct milliseconds, in any order against the ids, plus microseconds that only the
  // database keeps (a Date has milliseconds): the rules must not depend on cast_at at all.
  atMs: fc.integer({ min: 0, max: 4 }),
  atMicros: fc.integer({ min: 0, max: 999 }),
});

describe('the SQL quorum rule agrees with evaluateQuorum', () => {
  it('on 300 random requests and vote sets (look-alike names, repeats, rejects, the proposer voting, expiry, use)', async () => {
    let scopeIndex = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          action: fc.constantFrom(...APPROVAL_ACTIONS),
          risk: fc.constantFrom(...RISKS),
          proposer: nameArbitrary,
          expired: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          used: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
          votes: fc.array(voteArbitrary, { maxLength: 9 }),
        }),
        async ({ action, risk, proposer, expired, used, votes }) => {
          const scope = JSON.stringify({ property: String(++scopeIndex) });
          const { rows: requestRows } = await t.db.pool.query<{ id: string; expires_at: Date }>(
            `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason, created_at, expires_at)
             select $1::text, $2::jsonb, $3::text, $4::text, 'property', at, at + interval '7 days'
               from (select now() - case when $5::boolean then interval '8 days' else interval '0' end as at) base
             returning id::text, expires_at`,
            [action, scope, risk, proposer, expired],
          );
          const request = requestRows[0]!;
          const base = Date.UTC(2026, 0, 1);
          const stored: Vote[] = [];
          for (const vote of votes) {
            const castAt = new Date(base + vote.atMs);
            const { rows } = await t.db.pool.query<{ id: string }>(
              `insert into birth_lane.approval_votes (request_id, voter, role, decision, cast_at)
               values ($1::bigint, $2::text, $3::text, $4::text,
                       $5::timestamptz + make_interval(secs => $6::integer / 1000000.0)) returning id::text`,
              [request.id, vote.voter, vote.role, vote.decision, castAt, vote.atMicros],
            );
            stored.push({
              id: rows[0]!.id,
              requestId: request.id,
              voter: vote.voter,
              role: vote.role,
              decision: vote.decision,
              castAt,
            });
          }
          let usedAt: Date | null = null;
          if (used) {
            const { rows } = await t.db.pool.query<{ used_at: Date }>(
              'insert into birth_lane.approval_uses (request_id, action, scope) values ($1::bigint, $2::text, $3::jsonb) returning used_at',
              [request.id, action, scope],
            );
            usedAt = rows[0]!.used_at;
          }

          const { rows } = await t.db.pool.query<{
            met: boolean;
            status: { missing: string[]; counted: unknown };
          }>(
            'select birth_lane.approval_quorum_met($1::bigint) as met, birth_lane.approval_status($1::bigint) as status',
            [request.id],
          );
          const expected = evaluateQuorum(
            { id: request.id, action, risk, proposer, expiresAt: request.expires_at, usedAt },
            stored,
          );
          expect(rows[0]!.met).toBe(expected.met);
          expect(rows[0]!.status.missing).toEqual(expected.missing);
          expect(rows[0]!.status.counted).toEqual(expected.counted);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('orders a voter’s votes by id, not by cast_at: two votes in one millisecond agree on both sides', async () => {
    const { rows: requestRows } = await t.db.pool.query<{ id: string }>(
      `insert into birth_lane.approval_requests (action, scope, risk, proposer, reason)
       values ('gate_flip', '{"submillisecond":true}', 'medium', 'proposer', 'ordering') returning id::text`,
    );
    const requestId = requestRows[0]!.id;
    // The same voter: president at .0007 ms, then (a higher id) ai_council at .0003 ms. The
    // database keeps microseconds, a Date only the millisecond: by cast_at the two sides disagree.
    const stored: Vote[] = [];
    for (const [role, micros] of [
      ['president', 700],
      ['ai_council', 300],
    ] as const) {
      const { rows } = await t.db.pool.query<{ id: string; cast_at: Date }>(
        `insert into birth_lane.approval_votes (request_id, voter, role, decision, cast_at)
         values ($1::bigint, 'voter', $2::text, 'approve', '2026-01-01T00:00:00Z'::timestamptz + make_interval(secs => $3::integer / 1000000.0))
         returning id::text, cast_at`,
        [requestId, role, micros],
      );
      stored.push({
        id: rows[0]!.id,
        requestId,
        voter: 'voter',
        role,
        decision: 'approve',
        castAt: rows[0]!.cast_at,
      });
    }
    const expected = evaluateQuorum(
      { id: requestId, action: 'gate_flip', risk: 'medium', proposer: 'proposer' },
      stored,
    );
    const { rows } = await t.db.pool.query('select birth_lane.approval_quorum_met($1::bigint) as met', [
      requestId,
    ]);
    expect(expected.met).toBe(false); // the latest vote is ai_council: no president
    expect(rows[0].met).toBe(expected.met);
  });

  it('is false for an unknown request (silence is not approval)', async () => {
    const { rows } = await t.db.pool.query('select birth_lane.approval_quorum_met(-1) as met');
    expect(rows[0].met).toBe(false);
  });
});

describe('the SQL identity key agrees with identityKey()', () => {
  it('on every removed code point and on ASCII, Latin-1 and fullwidth letters', async () => {
    const codePoints: number[] = [];
    for (const [from, to] of IDENTITY_KEY_REMOVED_RANGES) {
      for (let cp = Math.max(from - 1, 1); cp <= to + 1; cp++) codePoints.push(cp);
    }
    for (let cp = 0x21; cp <= 0xff; cp++) codePoints.push(cp);
    for (let cp = 0xff01; cp <= 0xff5e; cp++) codePoints.push(cp);
    const names = [...new Set(codePoints)].map((cp) => `A${String.fromCodePoint(cp)}b`);
    const { rows } = await t.db.pool.query<{ key: string }>(
      'select birth_lane.identity_key(name) as key from unnest($1::text[]) with ordinality as n(name, i) order by i',
      [names],
    );
    const mismatches = names
      .map((name, index) => ({ name, sql: rows[index]!.key, ts: identityKey(name) }))
      .filter((entry) => entry.sql !== entry.ts);
    expect(mismatches).toEqual([]);
  });
});
