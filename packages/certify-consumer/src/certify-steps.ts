import { REGISTRY_TABLE, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** The certify consumer's database objects, as install steps (after the contract's steps). */
export const certifySteps: readonly Step[] = [
  sqlStep({
    id: 'certify-consumer/0001_certify_consumer',
    title:
      'certify consumer: auto-certify trigger, certified-pair guard, canonical collections, approved promotion',
    // It decides certification for every row of the registry.
    risk: 'high',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_certify_consumer.sql'),
    rollback: [
      `drop trigger if exists trg_birth_certified_insert_guard on ${REGISTRY_TABLE};`,
      `drop trigger if exists trg_birth_auto_certify on ${REGISTRY_TABLE};`,
      'drop function if exists birth_lane.refile_promotion_requests(integer);',
      'drop function if exists birth_lane.promote(bigint, bigint);',
      'drop function if exists birth_lane.fn_birth_auto_certify();',
      `drop function if exists birth_lane.file_promotion_request(${REGISTRY_TABLE});`,
      'drop function if exists birth_lane.promotion_pass_active(bigint);',
      'drop table if exists birth_lane.promotion_in_progress;',
      'drop table if exists birth_lane.canonical_collections;',
      'drop function if exists birth_lane.compile_canonical_collection_list();',
      'drop function if exists birth_lane.canonical_collection_list();',
      'drop function if exists birth_lane.canonical_collection_key(text);',
    ].join('\n'),
    footprint: [
      'table:birth_lane.canonical_collections',
      'table:birth_lane.promotion_in_progress',
      'function:birth_lane.fn_birth_auto_certify()',
      'function:birth_lane.promote(bigint,bigint)',
      'function:birth_lane.refile_promotion_requests(integer)',
      'function:birth_lane.file_promotion_request(public.birth_registry)',
      'function:birth_lane.promotion_pass_active(bigint)',
      'function:birth_lane.canonical_collection_list()',
      'function:birth_lane.canonical_collection_key(text)',
      'function:birth_lane.compile_canonical_collection_list()',
      'trigger:birth_lane.canonical_collections.canonical_collections_compile',
      'trigger:public.birth_registry.trg_birth_certified_insert_guard',
      'index:birth_lane.canonical_collections_key_idx',
      'grant:function:birth_lane.canonical_collection_key(text):PUBLIC:EXECUTE',
      'grant:function:birth_lane.canonical_collection_list():PUBLIC:EXECUTE',
      'grant:function:birth_lane.promote(bigint,bigint):birth_lane_promoter:EXECUTE',
      'grant:function:birth_lane.promotion_pass_active(bigint):PUBLIC:EXECUTE',
      'grant:function:birth_lane.refile_promotion_requests(integer):birth_lane_governance:EXECUTE',
      'grant:table:birth_lane.canonical_collections:PUBLIC:SELECT',
    ],
    // A field registry may already carry a trigger of this name (the consumer that was starved of
    // stamps); the step replaces it rather than refusing to run.
    adopts: ['trigger:public.birth_registry.trg_birth_auto_certify'],
  }),
];
