/**
 * A backlog worker in its own process, as a pg-boss job or `birth-lane backlog work` runs one: the
 * tests spawn it (tsx) and kill it with SIGKILL. Environment: WORKER_URL (the worker's login),
 * RUN_ID, BATCH_SIZE, PAUSE_MS (a wait after each committed batch, so that a test's workers
 * overlap in time). Prints one JSON line with the outcome when it ends on its own.
 */
import pg from 'pg';
import { runWorker } from '../src/index.js';

const pool = new pg.Pool({ connectionString: process.env['WORKER_URL'], max: 2 });
const size = Number(process.env['BATCH_SIZE'] ?? '100');
const pauseMs = Number(process.env['PAUSE_MS'] ?? '0');
const outcome = await runWorker(pool, process.env['RUN_ID'] ?? '', {
  batchSize: size,
  minBatchSize: size,
  maxBatchSize: size,
  idleMs: 100,
  onBatch: async (batch) => {
    process.stderr.write(`batch ${batch.slice} ${batch.lastId}\n`);
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
  },
});
process.stdout.write(`${JSON.stringify(outcome)}\n`);
await pool.end();
