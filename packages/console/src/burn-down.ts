import type { RunReport } from '@birth-lane/contract';

export interface BurnDownPoint {
  /** Unix seconds (with milliseconds: a short run starts and ends within one second). */
  readonly at: number;
  readonly backlog: number;
}

/**
 * The backlog over time, rebuilt from the run reports (pre-aggregated: no registry scan): the
 * backlog after a run is today's backlog plus what every later run certified (`passed.gate`).
 * Births minted between runs are not in any report, so the line is the backlog the runs worked
 * through, not a history of the registry; the page says so.
 */
export function burnDown(currentBacklog: number, runsNewestFirst: readonly RunReport[]): BurnDownPoint[] {
  const points: BurnDownPoint[] = [];
  let backlog = currentBacklog;
  for (const run of runsNewestFirst) {
    points.push({ at: run.endedAt.getTime() / 1000, backlog });
    backlog += run.passed.gate;
    points.push({ at: run.startedAt.getTime() / 1000, backlog });
  }
  // uPlot wants x ascending; two runs can share a millisecond, so a later point replaces an equal one.
  const ascending = points.reverse();
  const unique: BurnDownPoint[] = [];
  for (const point of ascending) {
    const last = unique[unique.length - 1];
    if (last && last.at === point.at) unique[unique.length - 1] = point;
    else if (!last || last.at < point.at) unique.push(point);
  }
  return unique;
}

/** JSON safe inside `<script type="application/json">`: no `<` can close the element. */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}
