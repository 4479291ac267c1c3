import type pg from 'pg';

/**
 * Makes every idle session of the pool report its table writes to the statistics now.
 *
 * Why: a backend reports its writes to pg_stat_* asynchronously (an idle one up to about ten
 * seconds later). Right after the main job's producer run, its pooled sessions still hold writes
 * that would land between the pilot's two snapshots and, as unattributed write counters, make a
 * quiet rehearsal INCONCLUSIVE. pg_stat_force_next_flush() makes a session flush at the end of the
 * statement's transaction; calling it on each idle session of the pool settles them all.
 */
export async function flushPoolStats(pool: pg.Pool): Promise<void> {
  const clients = await Promise.all(Array.from({ length: pool.idleCount }, () => pool.connect()));
  try {
    await Promise.all(clients.map((client) => client.query('select pg_catalog.pg_stat_force_next_flush()')));
  } finally {
    for (const client of clients) client.release();
  }
}
