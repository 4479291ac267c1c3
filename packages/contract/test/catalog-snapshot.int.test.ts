import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { catalogSnapshotHash, diffCatalog, snapshotCatalog } from '../src/catalog-snapshot.js';
import { contractSteps } from '../src/contract-steps.js';
import { installSteps } from '../src/install.js';

const t = useTestDatabase({ setupSql: [] });

describe('snapshotCatalog against PostgreSQL', () => {
  it('describes the contract install by the refs footprints use, the same way twice', async () => {
    await installSteps(t.db.pool, contractSteps);
    const first = await snapshotCatalog(t.db.pool);
    const refs = Object.keys(first.objects);
    expect(refs).toContain('schema:birth_lane');
    expect(refs).toContain('table:public.birth_registry');
    expect(refs).toContain('index:public.birth_registry_uncertified_idx');
    expect(refs).toContain('function:birth_lane.append_note(text,jsonb,uuid)');
    expect(refs).toContain('trigger:birth_lane.evidence.evidence_append_only');
    expect(refs).toContain('role:birth_lane_producer');
    expect(refs).toContain(
      'grant:function:birth_lane.beat(text,text,text,integer,text,uuid,jsonb):birth_lane_producer:EXECUTE',
    );
    expect(refs).toContain('grant:column:public.birth_registry.entity_code:birth_lane_birth:SELECT');
    // Revoked from PUBLIC by the step: no PUBLIC grant on the definer function.
    expect(refs).not.toContain('grant:function:birth_lane.append_note(text,jsonb,uuid):PUBLIC:EXECUTE');
    // Owned sequences and constraint indexes belong to their table, not to refs of their own.
    expect(refs.filter((ref) => ref.startsWith('sequence:birth_lane.evidence'))).toEqual([]);
    expect(refs).not.toContain('index:birth_lane.evidence_pkey');

    // Another session with another search_path, after statistics moved: the same snapshot.
    await t.db.pool.query('analyze');
    const client = await t.db.connect();
    await client.query('set search_path = birth_lane, public');
    const second = await snapshotCatalog(client);
    expect(catalogSnapshotHash(second)).toBe(catalogSnapshotHash(first));
  });

  it('a diff catches a new table, a changed function body, a new grant to a lane role and a revoked PUBLIC execute', async () => {
    await t.db.pool.query(
      `create function public.fp_probe(x integer) returns integer language sql as 'select x'`,
    );
    const before = await snapshotCatalog(t.db.pool);
    expect(before.objects['grant:function:public.fp_probe(integer):PUBLIC:EXECUTE']).toBeDefined();

    await t.db.pool.query('create table birth_lane.fp_new (id bigint primary key)');
    await t.db.pool.query(
      `create or replace function public.fp_probe(x integer) returns integer language sql as 'select x + 1'`,
    );
    await t.db.pool.query('grant select on birth_lane.producer_heartbeats to birth_lane_birth');
    await t.db.pool.query('revoke execute on function public.fp_probe(integer) from public');
    const after = await snapshotCatalog(t.db.pool);

    expect(diffCatalog(before, after)).toEqual({
      added: [
        'grant:table:birth_lane.producer_heartbeats:birth_lane_birth:SELECT',
        'table:birth_lane.fp_new',
      ],
      removed: ['grant:function:public.fp_probe(integer):PUBLIC:EXECUTE'],
      changed: ['function:public.fp_probe(integer)'],
    });
    expect(catalogSnapshotHash(after)).not.toBe(catalogSnapshotHash(before));
  });

  it('a column added to a table changes the table; a column grant is its own ref', async () => {
    const before = await snapshotCatalog(t.db.pool);
    await t.db.pool.query('alter table birth_lane.fp_new add column note text not null default $$x$$');
    await t.db.pool.query('grant update (note) on birth_lane.fp_new to birth_lane_reader');
    const after = await snapshotCatalog(t.db.pool);
    expect(diffCatalog(before, after)).toEqual({
      added: ['grant:column:birth_lane.fp_new.note:birth_lane_reader:UPDATE'],
      removed: [],
      changed: ['table:birth_lane.fp_new'],
    });
  });

  it('sees default privileges and event triggers, which act on objects created later', async () => {
    const before = await snapshotCatalog(t.db.pool);
    await t.db.pool.query(
      'alter default privileges in schema birth_lane grant select on tables to birth_lane_reader',
    );
    await t.db.pool.query(
      `create function public.fp_ddl_probe() returns event_trigger language plpgsql as 'begin null; end'`,
    );
    await t.db.pool.query(
      'create event trigger fp_ddl_probe on ddl_command_end execute function public.fp_ddl_probe()',
    );
    const after = await snapshotCatalog(t.db.pool);
    const diff = diffCatalog(before, after);
    expect(diff.added).toEqual([
      'default-privileges:postgres:birth_lane:table',
      'event-trigger:fp_ddl_probe',
      'function:public.fp_ddl_probe()',
      'grant:function:public.fp_ddl_probe():PUBLIC:EXECUTE',
    ]);
    expect(after.objects['default-privileges:postgres:birth_lane:table']).toEqual({
      grants: ['birth_lane_reader:SELECT'],
    });
    await t.db.pool.query('drop event trigger fp_ddl_probe; drop function public.fp_ddl_probe()');
    await t.db.pool.query(
      'alter default privileges in schema birth_lane revoke select on tables from birth_lane_reader',
    );
  });
});
