import { formatPass, type MalformedPass, type PassStatus, readPassStatus } from '@birth-lane/backlog';
import type { ConsoleOverview, OverviewBacklogPass } from '@birth-lane/console';
import { type Queryable, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { readFlipCriteria } from '@birth-lane/gate-policy';
import { laneStatus } from '../status/lane-status.js';

/**
 * The console overview from the same reader as `birth-lane status` (so its numbers are status's
 * numbers), plus the gate's flip criteria as `gate status` measures them. Run on the signed-in
 * person's own session.
 */
export async function consoleOverview(db: Queryable): Promise<ConsoleOverview> {
  const status = await laneStatus(db);
  const criteria = await readFlipCriteria(db).then(
    (reading) => ({ criteria: reading.criteria }),
    (error: unknown) => ({ criteria: [], criteriaError: (error as Error).message }),
  );
  const registry = status.registry;
  return {
    registry: {
      total: registry.total,
      governed: registry.governed,
      observed: registry.observed,
      pen: registry.stamped.pen,
      stamp: registry.stamped.stamp,
      gate: registry.stamped.gate,
      certified: registry.certified,
      backlog: registry.backlog,
      ambiguous: registry.ambiguous,
    },
    ruleSet: status.ruleSet,
    gate: { mode: status.gate.mode, source: status.gate.source, ...criteria },
    producers: status.producers.map((producer) => ({
      channel: producer.channel,
      host: producer.host,
      pid: producer.pid,
      state: producer.state,
      secondsSinceBeat: producer.secondsSinceBeat,
    })),
    backlogPasses: status.backlogPasses.map(toOverviewPass),
  };
}

/** The latest backlog passes, for the Pilots page: the backlog block's own reader, no registry scan. */
export async function consoleBacklogPasses(db: Queryable): Promise<readonly OverviewBacklogPass[]> {
  const passes = await readPassStatus(db, { limit: 10 }).catch((error: unknown) => {
    // A lane installed before the backlog block has no pass table: no pass to show.
    if (sqlStateOf(error) === SQLSTATE.undefinedTable) return [];
    throw error;
  });
  return passes.map(toOverviewPass);
}

function toOverviewPass(pass: PassStatus | MalformedPass): OverviewBacklogPass {
  if ('malformed' in pass) {
    return { runId: pass.runId ?? '?', state: 'unreadable', done: 0, total: 0, line: pass.malformed };
  }
  return {
    runId: pass.runId,
    state: pass.state,
    done: pass.scanned,
    total: pass.inScopeRows,
    line: formatPass(pass).split('\n')[0] ?? '',
  };
}
