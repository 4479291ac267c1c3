import { REGISTRY_TABLE, readSqlFile, type Step, sqlStep } from '@birth-lane/contract';

// Directly under src/ so `../sql/` resolves from both src/ and dist/.
const SQL_DIR = new URL('../sql/', import.meta.url);

export const MINT_BIRTH_SIGNATURE =
  'birth_lane.mint_birth(text,text,text,text,text,timestamptz,text,text,text)' as const;

/** B1's database objects as install steps: the mint function and the birth announcement trigger. */
export const birthSteps: readonly Step[] = [
  sqlStep({
    id: 'birth/0001_birth',
    title: 'birth_lane.mint_birth, mint_births and the trg_birth_announce NOTIFY trigger on birth_registry',
    // A trigger on the live registry fires on every birth; a fault there fails births.
    risk: 'medium',
    prerequisites: ['contract/0004_roles'],
    mutation: readSqlFile(SQL_DIR, '0001_birth.sql'),
    rollback: `drop trigger if exists trg_birth_announce on ${REGISTRY_TABLE};
drop function if exists birth_lane.fn_birth_announce();
drop function if exists ${MINT_BIRTH_SIGNATURE};
drop function if exists birth_lane.mint_births(jsonb);
revoke select (collection_name, species_code, dot_origin, governance_role, born_at, name, description, status)
  on ${REGISTRY_TABLE} from birth_lane_birth;`,
    footprint: [
      'function:birth_lane.mint_births(jsonb)',
      'function:birth_lane.fn_birth_announce()',
      'trigger:public.birth_registry.trg_birth_announce',
      'function:birth_lane.mint_birth(text,text,text,text,text,timestamp with time zone,text,text,text)',
      'grant:column:public.birth_registry.born_at:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.collection_name:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.description:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.dot_origin:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.governance_role:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.name:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.species_code:birth_lane_birth:SELECT',
      'grant:column:public.birth_registry.status:birth_lane_birth:SELECT',
      'grant:function:birth_lane.fn_birth_announce():PUBLIC:EXECUTE',
      'grant:function:birth_lane.mint_birth(text,text,text,text,text,timestamp with time zone,text,text,text):birth_lane_birth:EXECUTE',
      'grant:function:birth_lane.mint_births(jsonb):birth_lane_birth:EXECUTE',
    ],
  }),
];
