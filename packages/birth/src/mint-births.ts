import {
  type BirthInput,
  BirthLaneError,
  DatabaseError,
  type ParsedBirthInput,
  type Queryable,
  sqlStateOf,
  ValidationError,
} from '@birth-lane/contract';
import { parseBirthInput, parseBirthInputs } from './parse-birth-input.js';
import {
  INSERT_BIRTHS_SQL,
  type InsertBirthsRow,
  SELECT_BIRTHS_BY_CODE_SQL,
  type SelectBirthsByCodeRow,
  type StoredBirthFields,
} from './sql/insert-births.js';

/**
 * Inputs per statement. A statement of 10,000 inputs took about 0.6 s end to end on a 2-vCPU
 * container (PostgreSQL 15 and 17, see README); 5,000 halves that again, leaving headroom under a
 * 5 s statement_timeout for a busy server, a registry of millions of rows, other triggers on the
 * registry and the per-row NOTIFY of trg_birth_announce. Callers may raise it up to 10,000.
 */
export const MINT_BIRTHS_CHUNK_SIZE = 5_000;
const MAX_CHUNK_SIZE = 10_000;

/** Fields of a birth that may differ between a second mint and the row already born. */
export type BirthConflictField =
  | 'collection_name'
  | 'dot_origin'
  | 'governance_role'
  | 'species_code'
  | 'born_at'
  | 'name'
  | 'description'
  | 'status';

export interface BirthOutcome {
  readonly outcome: 'minted' | 'existing';
  /** The registry id (bigint as a decimal string), new or existing. */
  readonly id: string;
  readonly entityCode: string;
  /**
   * For `existing`: the fields the caller gave that differ from the stored row. The stored row is
   * never overwritten (an identity root is born once); a non-empty list tells the caller its
   * source disagrees with the registry. Always empty for `minted`.
   */
  readonly conflicts: readonly BirthConflictField[];
}

export interface BulkBirthOutcome extends BirthOutcome {
  /** Position of the input in the array given to mintBirths. */
  readonly index: number;
}

export interface MintBirthsResult {
  /** One outcome per input, in input order. */
  readonly results: readonly BulkBirthOutcome[];
  readonly totals: {
    readonly total: number;
    readonly minted: number;
    readonly existing: number;
    readonly conflicting: number;
  };
}

/**
 * Mints one identity root with certified=false and no stamps, or reports the row already born
 * under that entity_code (never changing it). Invalid input is refused before anything is sent.
 */
export async function mintBirth(db: Queryable, input: BirthInput): Promise<BirthOutcome> {
  const parsed = parseBirthInput(input);
  const [outcome] = await mintChunk(db, [parsed], 0);
  const { index: _index, ...single } = outcome!;
  return single;
}

/**
 * Mints many identity roots: every input is validated first (one ValidationError lists every bad
 * input by index and field, and nothing is written), then each chunk of up to `chunkSize` inputs
 * is one statement, so up to 5,000 inputs are one round trip. Chunks are separate statements on
 * `db`: a failure leaves earlier chunks minted, which a retry of the same call reports as
 * `existing`. To make a batch larger than one chunk all-or-nothing, run it on one connection with
 * `withTransaction(pool, (connection) => mintBirths(connection, inputs))`.
 */
export async function mintBirths(
  db: Queryable,
  inputs: readonly BirthInput[],
  options: { chunkSize?: number } = {},
): Promise<MintBirthsResult> {
  const chunkSize = options.chunkSize ?? MINT_BIRTHS_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new ValidationError('mintBirths options', [
      { field: 'chunkSize', rule: 'range', message: `must be an integer from 1 to ${MAX_CHUNK_SIZE}` },
    ]);
  }
  const parsed = parseBirthInputs(inputs);
  const chunkStarts: number[] = [];
  for (let start = 0; start < parsed.length; start += chunkSize) chunkStarts.push(start);

  const results: BulkBirthOutcome[] = [];
  for (const start of chunkStarts) {
    results.push(...(await mintChunk(db, parsed.slice(start, start + chunkSize), start)));
  }

  const minted = results.filter((result) => result.outcome === 'minted').length;
  return {
    results,
    totals: {
      total: results.length,
      minted,
      existing: results.length - minted,
      conflicting: results.filter((result) => result.conflicts.length > 0).length,
    },
  };
}

async function mintChunk(
  db: Queryable,
  inputs: readonly ParsedBirthInput[],
  offset: number,
): Promise<BulkBirthOutcome[]> {
  const payload = inputs.map((input, i) => ({
    i,
    entity_code: input.entity_code,
    collection_name: input.collection_name,
    dot_origin: input.dot_origin,
    governance_role: input.governance_role,
    species_code: input.species_code ?? null,
    born_at: input.born_at?.toISOString() ?? null,
    name: input.name ?? null,
    description: input.description ?? null,
    status: input.status ?? null,
  }));
  const rows = await run(inputs.length, () =>
    db.query<InsertBirthsRow>(INSERT_BIRTHS_SQL, [JSON.stringify(payload)]),
  );

  // Codes a concurrent minter committed after this statement's snapshot: one more read finds them.
  const unseen = rows.filter((row) => row.minted_id === null && row.existing_id === null);
  const late = new Map<string, SelectBirthsByCodeRow>();
  if (unseen.length > 0) {
    const codes = unseen.map((row) => inputs[row.i]!.entity_code);
    const found = await run(codes.length, () =>
      db.query<SelectBirthsByCodeRow>(SELECT_BIRTHS_BY_CODE_SQL, [codes]),
    );
    for (const row of found) late.set(row.entity_code, row);
  }

  return rows.map((row) => {
    const input = inputs[row.i]!;
    const index = offset + row.i;
    if (row.minted_id !== null) {
      return { index, outcome: 'minted', id: row.minted_id, entityCode: input.entity_code, conflicts: [] };
    }
    const stored = row.existing_id !== null ? row : late.get(input.entity_code);
    if (!stored?.existing_id) {
      throw new BirthLaneError(
        'DATABASE_ERROR',
        `Birth of ${input.entity_code} (inputs.${index}) was neither minted nor found: the row was removed while minting. Retry the mint.`,
      );
    }
    return {
      index,
      outcome: 'existing',
      id: stored.existing_id,
      entityCode: input.entity_code,
      conflicts: conflictsOf(input, stored),
    };
  });
}

/** Fields the caller gave that differ from the stored row; optional fields left out are not compared. */
function conflictsOf(input: ParsedBirthInput, stored: StoredBirthFields): BirthConflictField[] {
  const conflicts: BirthConflictField[] = [];
  const given: [BirthConflictField, string | null | undefined][] = [
    ['collection_name', input.collection_name],
    ['dot_origin', input.dot_origin],
    ['governance_role', input.governance_role],
    ['species_code', input.species_code],
    ['name', input.name],
    ['description', input.description],
    ['status', input.status],
  ];
  for (const [field, value] of given) {
    if (value !== undefined && value !== stored[field]) conflicts.push(field);
  }
  if (input.born_at !== undefined && input.born_at.getTime() !== stored.born_at?.getTime())
    conflicts.push('born_at');
  return conflicts;
}

async function run<R>(count: number, query: () => Promise<{ rows: R[] }>): Promise<R[]> {
  try {
    return (await query()).rows;
  } catch (error) {
    if (BirthLaneError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const sqlState = sqlStateOf(error);
    throw new DatabaseError(
      `Minting ${count} birth(s) failed${sqlState ? ` (SQLSTATE ${sqlState})` : ''}: ${reason}. ` +
        'That statement wrote nothing; fix the cause (a login role needs birth_lane_birth) and retry: minting is idempotent.',
      { cause: error },
    );
  }
}
