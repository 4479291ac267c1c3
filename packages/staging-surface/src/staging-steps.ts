import { dropRolesIfUnusedSql, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** The staging surface's database objects, as install steps (after the contract and the inspect stud). */
export const stagingSteps: readonly Step[] = [
  sqlStep({
    id: 'staging-surface/0001_staging',
    title:
      'staging role birth_lane_staging (no production write), the surface create/seal/drop functions and the residue search',
    // It creates a role and SECURITY DEFINER functions (create, seal, drop, two read-only searches);
    // it grants no write on production.
    risk: 'medium',
    prerequisites: ['contract/0004_roles', 'inspect-contract/0002_inspect_guard'],
    mutation: readSqlFile(SQL_DIR, '0001_staging.sql'),
    // Surfaces first (each schema with its own role: roles are cluster-wide, so only those of this
    // database's surfaces), then the functions and the shared role's privileges; the shared role
    // itself is dropped only when no other database still grants it something.
    rollback: [
      'do $$ declare s text; begin',
      "  for s in select nspname from pg_catalog.pg_namespace where nspname like 'bl\\_stage\\_%' loop",
      "    execute pg_catalog.format('drop schema %I cascade', s);",
      "    execute pg_catalog.format('drop role if exists %I', s);",
      '  end loop;',
      'end $$;',
      'drop function if exists birth_lane.staging_surface_rows_mentioning(text, text, bigint, integer);',
      'drop function if exists birth_lane.staging_surface_residue(text);',
      'drop function if exists birth_lane.drop_staging_surface(text);',
      'drop function if exists birth_lane.seal_staging_surface(text);',
      'drop function if exists birth_lane.create_staging_surface(text, text, jsonb, text, interval, jsonb);',
      'drop function if exists birth_lane.create_staging_schema();',
      'drop owned by birth_lane_staging;',
      // The installer was made a member (CREATE SCHEMA … AUTHORIZATION needs it) unless superuser.
      [
        'do $$ begin',
        "  if exists (select 1 from pg_catalog.pg_roles where rolname = 'birth_lane_staging') then",
        "    if pg_catalog.pg_has_role(current_user, 'birth_lane_staging', 'member')",
        '       and not (select rolsuper from pg_catalog.pg_roles where rolname = current_user) then',
        "      execute pg_catalog.format('revoke birth_lane_staging from %I', current_user);",
        '    end if;',
        '  end if;',
        'end $$;',
      ].join('\n'),
      dropRolesIfUnusedSql(['birth_lane_staging'], { createdAfter: 'birth_lane.stamp_clear_in_progress' }),
    ].join('\n'),
    footprint: [
      'function:birth_lane.create_staging_surface(text,text,jsonb,text,interval,jsonb)',
      'function:birth_lane.seal_staging_surface(text)',
      'function:birth_lane.drop_staging_surface(text)',
      'function:birth_lane.staging_surface_residue(text)',
      'function:birth_lane.staging_surface_rows_mentioning(text,text,bigint,integer)',
      'grant:column:public.birth_registry.born_at:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.certified:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.collection_name:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.description:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.dot_origin:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.entity_code:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.governance_role:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.id:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.inspect_gate:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.inspect_pen:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.inspect_stamp:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.name:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.species_code:birth_lane_staging:SELECT',
      'grant:column:public.birth_registry.status:birth_lane_staging:SELECT',
      'grant:function:birth_lane.create_staging_surface(text,text,jsonb,text,interval,jsonb):birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.drop_staging_surface(text):birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.fn_birth_inspect_stud():birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.inspect_reason(timestamp with time zone,timestamp with time zone,timestamp with time zone):birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.inspect_state(timestamp with time zone,timestamp with time zone,timestamp with time zone):birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.refuse_change_to_append_only():birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.seal_staging_surface(text):birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.staging_surface_residue(text):birth_lane_staging:EXECUTE',
      'grant:function:birth_lane.staging_surface_rows_mentioning(text,text,bigint,integer):birth_lane_staging:EXECUTE',
      'grant:schema:birth_lane:birth_lane_staging:USAGE',
    ],
    // Until the residue search moved into the database, the step made the creator only; its SQL
    // (create or replace) adds the two search functions over such an install.
    // (create or replace) adds the two search functions over such an install. Until surfaces got
    // their own roles (issue 11 review, finding 4), it had the bare schema creator; the SQL drops it.
    upgradesFrom: [
      ['function:birth_lane.create_staging_schema()'],
      [
        'function:birth_lane.create_staging_schema()',
        'function:birth_lane.staging_surface_residue(text)',
        'function:birth_lane.staging_surface_rows_mentioning(text,text,bigint,integer)',
      ],
    ],
    // Cluster-wide: another database of the same server may have created it already.
    adopts: ['role:birth_lane_staging'],
  }),
];
