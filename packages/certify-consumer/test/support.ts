import { contractSteps, quoteIdentifier, sqlStateOf } from '@birth-lane/contract';
import type pg from 'pg';
import { certifySteps } from '../src/index.js';

/** The template every certify test database is cloned from: the contract, then this block. */
export const SETUP_SQL = [...contractSteps, ...certifySteps].map((step) => step.mutation);

let sequence = 0;
/** A fresh, valid entity code per call (unique across the files sharing one template run). */
export function nextEntityCode(prefix = 'B'): string {
  sequence += 1;
  return `${prefix}${process.pid}-${String(sequence).padStart(4, '0')}`;
}

export interface MintOptions {
  collection?: string;
  governanceRole?: 'governed' | 'observed';
}

/** Mints a row the way the birth block does: identity and metadata, no stamp, uncertified. */
export async function mint(
  db: pg.Pool | pg.Client,
  options: MintOptions = {},
): Promise<{ id: string; entityCode: string }> {
  const entityCode = nextEntityCode();
  const { rows } = await db.query<{ id: string }>(
    `insert into public.birth_registry (entity_code, collection_name, dot_origin, governance_role, name, description, status)
     values ($1::text, $2::text, 'test', $3::text, 'n', 'd', 'active') returning id::text`,
    [entityCode, options.collection ?? 'plain', options.governanceRole ?? 'governed'],
  );
  return { id: rows[0]!.id, entityCode };
}

export interface RegistryState {
  certified: boolean;
  certified_at: Date | null;
  inspect_pen: Date | null;
  inspect_stamp: Date | null;
  inspect_gate: Date | null;
}

export async function stateOf(db: pg.Pool | pg.Client, id: string): Promise<RegistryState> {
  const { rows } = await db.query<RegistryState>(
    'select certified, certified_at, inspect_pen, inspect_stamp, inspect_gate from public.birth_registry where id = $1::bigint',
    [id],
  );
  if (!rows[0]) throw new Error(`row ${id} not found`);
  return rows[0];
}

/** Sets the three stamps in order, as three UPDATEs in three transactions. */
export async function stampInOrder(db: pg.Pool | pg.Client, id: string): Promise<void> {
  for (const column of ['inspect_pen', 'inspect_stamp', 'inspect_gate']) {
    await db.query(`update public.birth_registry set ${column} = clock_timestamp() where id = $1::bigint`, [
      id,
    ]);
  }
}

/** The rejection of a promise, for asserting on its SQLSTATE; fails the test if it resolved. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; column?: string; constraint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the database to refuse, but the statement succeeded');
}

export { sqlStateOf };

/** Runs `work` on a dedicated session under `set role <role>`, then ends that session. */
export async function asRole<T>(
  connect: () => Promise<pg.Client>,
  role: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connect();
  try {
    await client.query(`set role ${quoteIdentifier(role)}`);
    return await work(client);
  } finally {
    await client.end();
  }
}
