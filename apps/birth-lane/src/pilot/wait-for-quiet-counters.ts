import type { Queryable } from '@birth-lane/contract';

/**
 * Waits until the registry's write counters (pg_stat_user_tables) stop moving, or `maxMs` passes.
 *
 * Why: PostgreSQL reports a session's table writes to the statistics asynchronously (a backend
 * flushes them at most once a second, an idle one within about ten), so the writes of whatever ran
 * just before a pilot (the demo's producer run, say) can land between the "before" and "after"
 * snapshots and make a quiet rehearsal INCONCLUSIVE. This asks the server to flush this session's
 * figures and waits for two equal readings in a row. It never changes what the prover decides:
 * live traffic that keeps the counters moving still shows up in the verdict.
 */
export async function waitForQuietCounters(
  db: Queryable,
  options: { readonly maxMs?: number; readonly intervalMs?: number } = {},
): Promise<{ readonly quiet: boolean; readonly waitedMs: number }> {
  const maxMs = options.maxMs ?? 15_000;
  const intervalMs = options.intervalMs ?? 1_000;
  const began = performance.now();
  await db.query('select pg_catalog.pg_stat_force_next_flush()');
  let previous = await readWrites(db);
  while (performance.now() - began < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const current = await readWrites(db);
    if (current === previous) return { quiet: true, waitedMs: performance.now() - began };
    previous = current;
  }
  return { quiet: false, waitedMs: performance.now() - began };
}

async function readWrites(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ writes: string | null }>(
    `select (n_tup_ins + n_tup_upd + n_tup_del)::text as writes
       from pg_catalog.pg_stat_user_tables where relid = 'public.birth_registry'::regclass`,
  );
  return rows[0]?.writes ?? '';
}
