import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { grantsOnExistingObjects, parseGrantRef, revokeGrantsSql } from './rollback-sql.js';

describe('parseGrantRef', () => {
  it('reads a function grant whose signature has spaces and a PUBLIC grantee', () => {
    expect(parseGrantRef('grant:function:s.f(timestamp with time zone,integer):PUBLIC:EXECUTE')).toEqual({
      kind: 'function',
      name: 's.f(timestamp with time zone,integer)',
      grantee: 'PUBLIC',
      privilege: 'EXECUTE',
    });
  });

  it.each([
    ['table:s.t', /must be grant/],
    ['grant:table:s.t:role', /must be grant/],
    ['grant:table:s.t:role:DROP', /no known privilege/],
    ['grant:trigger:s.t.x:role:SELECT', /without privileges/],
  ])('refuses %s, naming the rule', (ref, message) => {
    expect(() => parseGrantRef(ref)).toThrow(ValidationError);
    expect(() => parseGrantRef(ref)).toThrow(message);
  });
});

describe('revokeGrantsSql', () => {
  it('writes one quoted REVOKE per grant, by object kind', () => {
    expect(
      revokeGrantsSql([
        'grant:schema:birth_lane:r1:USAGE',
        'grant:table:public.birth_registry:r1:SELECT',
        'grant:column:public.birth_registry.entity_code:r1:SELECT',
        'grant:sequence:s.q:r1:USAGE',
        'grant:function:s.f(bigint,timestamp with time zone):PUBLIC:EXECUTE',
      ]).split('\n'),
    ).toEqual([
      'revoke USAGE on schema "birth_lane" from "r1";',
      'revoke SELECT on table "public"."birth_registry" from "r1";',
      'revoke SELECT ("entity_code") on table "public"."birth_registry" from "r1";',
      'revoke USAGE on sequence "s"."q" from "r1";',
      'revoke EXECUTE on routine "s"."f"(bigint,timestamp with time zone) from public;',
    ]);
  });
});

describe('grantsOnExistingObjects', () => {
  it('keeps grants on objects the footprint does not create (dropping an object takes its grants)', () => {
    expect(
      grantsOnExistingObjects([
        'table:s.mine',
        'grant:table:s.mine:r:SELECT',
        'grant:column:s.mine.c:r:UPDATE',
        'grant:table:s.theirs:r:SELECT',
        'grant:column:s.theirs.c:r:SELECT',
      ]),
    ).toEqual(['grant:table:s.theirs:r:SELECT', 'grant:column:s.theirs.c:r:SELECT']);
  });
});
