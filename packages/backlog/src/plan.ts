import { BirthLaneError, type Queryable, ValidationError } from '@birth-lane/contract';
import { backlogErrorFrom } from './backlog-error.js';
import { idsChecksum } from './checksum.js';
import { type BacklogPlanInput, parseBacklogPlanInput } from './plan-input.js';
import {
  ACTIVE_RULE_SET_SQL,
  HIGHEST_ID_SQL,
  NTH_IN_SCOPE_SQL,
  REQUEST_APPROVAL_SQL,
  SCOPE_CHUNK_SQL,
  type ScopeChunkRow,
} from './sql/scope-queries.js';
import { type MeasuredThroughput, measuredThroughput } from './throughput.js';

/** The approval scope of a pass: flat strings, compared exactly when the pass starts. */
export interface BacklogScope {
  readonly idFrom: string;
  readonly idTo: string;
  /** The last id walked: idTo, or where the cap ends (a capped pass never takes later births). */
  readonly walkTo: string;
  readonly highestId: string;
  readonly maxRows: string | null;
  readonly ruleSetVersion: string;
  readonly ruleSetHash: string;
  readonly idsChecksum: string;
  readonly inScopeRows: string;
}

export interface ScopeCounts {
  /** Governed, uncertified rows (the rows the pass judges), by stamp state. */
  readonly none: number;
  readonly partial: number;
  readonly complete: number;
  readonly ambiguous: number;
  /** Uncertified rows out of inspection scope (governance_role observed): walked and skipped. */
  readonly observed: number;
  readonly inScope: number;
}

export interface BacklogPlan {
  readonly approvalId: string;
  readonly scope: BacklogScope;
  readonly counts: ScopeCounts;
  readonly throughput: MeasuredThroughput | null;
  /** inScope / measured rows per second; null when nothing was measured yet. */
  readonly estimatedSeconds: number | null;
}

export interface PlanOptions {
  /** Ids per counting statement (each stays far inside the 5 s statement limit). */
  readonly chunkIds?: number;
  readonly expiresIn?: string;
  readonly onProgress?: (scannedThroughId: bigint, lastId: bigint) => void;
}

/**
 * Measures the scope of a bounded pass, in short statements, and files its approval request
 * (action backlog_pass, risk high) as the caller's login: rows by stamp state, the active rule set,
 * a checksum of the in-scope ids, an estimate from measured throughput. Writes nothing else.
 */
export async function planBacklogPass(
  db: Queryable,
  input: BacklogPlanInput,
  options: PlanOptions = {},
): Promise<BacklogPlan> {
  const request = parseBacklogPlanInput(input);
  const chunk = BigInt(options.chunkIds ?? 200_000);
  try {
    const ruleSet = (
      await db.query<{ version: string | null; hash: string | null; compiled_hash: string | null }>(
        ACTIVE_RULE_SET_SQL,
      )
    ).rows[0];
    if (!ruleSet?.hash || !ruleSet.version || ruleSet.compiled_hash !== ruleSet.hash) {
      throw new BirthLaneError(
        'SOURCE_RECOVERY_REQUIRED',
        'no active, compiled rule set: a backlog pass judges under one; activate a rule set (with an approval) first',
      );
    }
    const highest = BigInt((await db.query<{ id: string }>(HIGHEST_ID_SQL)).rows[0]!.id);
    const idFrom = BigInt(request.idFrom);
    const idTo = BigInt(request.idTo);
    // Ids above the highest one are rows not born yet: no plan can count them, so an approval
    // over them would be a yes to an unknown number of rows. The server refuses such a scope too.
    if (idTo > highest) {
      throw new ValidationError('backlog plan', [
        {
          field: 'idTo',
          rule: 'at_most_highest_id',
          message: `must be at most the registry's highest id (${highest}): rows not born yet cannot be counted or approved`,
        },
      ]);
    }
    const scanTo = idTo;
    const totals = { none: 0, partial: 0, complete: 0, ambiguous: 0, observed: 0, inScope: 0 };
    let hashSum = 0n;
    let capEnd: bigint | null = null;
    const add = (row: ScopeChunkRow) => {
      totals.inScope += Number(row.in_scope);
      totals.none += Number(row.none);
      totals.partial += Number(row.partial);
      totals.complete += Number(row.complete);
      totals.ambiguous += Number(row.ambiguous);
      totals.observed += Number(row.observed);
      hashSum += BigInt(row.id_sum);
    };
    for (let after = idFrom - 1n; after < scanTo; after += chunk) {
      const through = after + chunk < scanTo ? after + chunk : scanTo;
      let row = (await db.query<ScopeChunkRow>(SCOPE_CHUNK_SQL, [after.toString(), through.toString()]))
        .rows[0]!;
      if (request.maxRows !== undefined && totals.inScope + Number(row.in_scope) >= request.maxRows) {
        const nth = (
          await db.query<{ id: string }>(NTH_IN_SCOPE_SQL, [
            after.toString(),
            through.toString(),
            request.maxRows - totals.inScope,
          ])
        ).rows[0]!.id;
        capEnd = BigInt(nth);
        row = (await db.query<ScopeChunkRow>(SCOPE_CHUNK_SQL, [after.toString(), nth])).rows[0]!;
        add(row);
        options.onProgress?.(capEnd, scanTo);
        break;
      }
      add(row);
      options.onProgress?.(through, scanTo);
    }
    const walkTo = capEnd ?? (request.maxRows !== undefined ? scanTo : idTo);
    const scope: BacklogScope = {
      idFrom: request.idFrom,
      idTo: request.idTo,
      walkTo: (walkTo < idFrom - 1n ? idFrom - 1n : walkTo).toString(),
      highestId: highest.toString(),
      maxRows: request.maxRows === undefined ? null : String(request.maxRows),
      ruleSetVersion: ruleSet.version,
      ruleSetHash: ruleSet.hash,
      idsChecksum: idsChecksum(BigInt(totals.inScope), hashSum),
      inScopeRows: String(totals.inScope),
    };
    const throughput = await measuredThroughput(db);
    const reason =
      request.reason ??
      `backlog pass over ids ${scope.idFrom}..${scope.walkTo}: ${totals.inScope} in-scope rows under rule set ${scope.ruleSetVersion}`;
    const approvalId = (
      await db.query<{ id: string }>(REQUEST_APPROVAL_SQL, [
        JSON.stringify(scope),
        reason,
        options.expiresIn ?? '7 days',
      ])
    ).rows[0]!.id;
    return {
      approvalId,
      scope,
      counts: totals,
      throughput,
      estimatedSeconds: throughput ? totals.inScope / throughput.rowsPerSecond : null,
    };
  } catch (error) {
    throw backlogErrorFrom(error, 'planning the backlog pass');
  }
}
