import { readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

const SQL_DIR = new URL('../sql/', import.meta.url);

/** The stamp mapping's database objects, as install steps (after the contract's and the certify consumer's). */
export const stampMappingSteps: readonly Step[] = [
  sqlStep({
    id: 'stamp-mapping/0001_stamp_mapping',
    title: 'stamp mapping: catalog check, approved materialisation of mapped stamps in bounded batches',
    // It writes the canonical columns of certified rows.
    risk: 'high',
    prerequisites: ['contract/0004_roles', 'certify-consumer/0001_certify_consumer'],
    mutation: readSqlFile(SQL_DIR, '0001_stamp_mapping.sql'),
    rollback: [
      'drop function if exists birth_lane.materialize_stamps_batch(bigint, integer);',
      'drop function if exists birth_lane.begin_stamp_materialisation(jsonb, bigint, bigint, bigint);',
      'drop table if exists birth_lane.stamp_materialisations;',
      'drop function if exists birth_lane.stamp_mapping_problems(jsonb);',
      'drop function if exists birth_lane.stamp_mapping_hash(jsonb);',
    ].join('\n'),
    footprint: [
      'table:birth_lane.stamp_materialisations',
      'function:birth_lane.materialize_stamps_batch(bigint,integer)',
      'function:birth_lane.begin_stamp_materialisation(jsonb,bigint,bigint,bigint)',
      'function:birth_lane.stamp_mapping_problems(jsonb)',
      'function:birth_lane.stamp_mapping_hash(jsonb)',
      'grant:function:birth_lane.begin_stamp_materialisation(jsonb,bigint,bigint,bigint):birth_lane_promoter:EXECUTE',
      'grant:function:birth_lane.materialize_stamps_batch(bigint,integer):birth_lane_promoter:EXECUTE',
      'grant:function:birth_lane.stamp_mapping_hash(jsonb):birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.stamp_mapping_hash(jsonb):birth_lane_promoter:EXECUTE',
      'grant:function:birth_lane.stamp_mapping_hash(jsonb):birth_lane_reader:EXECUTE',
      'grant:function:birth_lane.stamp_mapping_problems(jsonb):birth_lane_governance:EXECUTE',
      'grant:function:birth_lane.stamp_mapping_problems(jsonb):birth_lane_promoter:EXECUTE',
      'grant:function:birth_lane.stamp_mapping_problems(jsonb):birth_lane_reader:EXECUTE',
      'grant:table:birth_lane.stamp_materialisations:birth_lane_governance:SELECT',
      'grant:table:birth_lane.stamp_materialisations:birth_lane_promoter:SELECT',
      'grant:table:birth_lane.stamp_materialisations:birth_lane_reader:SELECT',
    ],
  }),
];
