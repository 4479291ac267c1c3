import { type Database, parseOrThrow } from '@birth-lane/contract';
import { withSurfaceRole } from './staging-session.js';
import { surfaceIdSchema, surfaceTable } from './surface-id.js';

/** One row's result, in the terms production's evidence uses, so the two can be compared as sets. */
export interface SurfaceRowOutcome {
  readonly id: string;
  readonly entityCode: string | null;
  readonly pen: boolean;
  readonly stamp: boolean;
  readonly gate: boolean;
  /** `stage:check_id` of each recorded failure, and `ambiguous:<reason>` for an ambiguous row, sorted. */
  readonly findings: readonly string[];
}

/**
 * Every row of the surface with which stamps it holds and what was recorded against it: the shape
 * a differential test compares with production's registry and birth_lane.evidence after the
 * production producer judged the same rows (match rows by entity_code; ids differ).
 */
export async function readSurfaceOutcome(db: Database, surfaceId: string): Promise<SurfaceRowOutcome[]> {
  const id = parseOrThrow(surfaceIdSchema, surfaceId, 'surface id');
  return withSurfaceRole(db, id, async (connection) => {
    const { rows } = await connection.query<{
      id: string;
      entity_code: string | null;
      pen: boolean;
      stamp: boolean;
      gate: boolean;
      findings: string[];
    }>(
      `select i.id::text, i.entity_code, i.inspect_pen is not null as pen, i.inspect_stamp is not null as stamp,
              i.inspect_gate is not null as gate,
              coalesce((select array_agg(case when e.kind = 'ambiguous_row' then e.check_id else e.stage || ':' || e.check_id end
                                         order by 1)
                          from ${surfaceTable(id, 'evidence')} e
                         where e.row_id = i.id and e.kind in ('inspection_failure', 'ambiguous_row')), '{}') as findings
         from ${surfaceTable(id, 'input')} i order by i.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      entityCode: row.entity_code,
      pen: row.pen,
      stamp: row.stamp,
      gate: row.gate,
      findings: row.findings,
    }));
  });
}
