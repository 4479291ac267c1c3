import { formatPass } from '@birth-lane/backlog';
import type { ConsoleOverview } from '@birth-lane/console';
import type { Queryable } from '@birth-lane/contract';
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
    backlogPasses: status.backlogPasses.map((pass) =>
      'malformed' in pass
        ? { runId: pass.runId ?? '?', state: 'unreadable', done: 0, total: 0, line: pass.malformed }
        : {
            runId: pass.runId,
            state: pass.state,
            done: pass.scanned,
            total: pass.inScopeRows,
            line: formatPass(pass).split('\n')[0] ?? '',
          },
    ),
  };
}
