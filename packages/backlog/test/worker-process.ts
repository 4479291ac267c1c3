/**
 * A backlog worker in its own process, as a pg-boss job or `birth-lane backlog work` runs one: the
 * tests spawn it (tsx) and kill it with SIGKILL. Environment: WORKER_URL (the worker's login),
 * RUN_ID, BATCH_SIZE. Prints one JSON line with the outcome when it ends on its own.
 */
import pg from 'pg';
import { runWorker } from '../src/index.js';

const pool = new pg.Pool({ connectionString: process.env['WORKER_URL'], max: 2 });
const size = Number(process.env['BATCH_SIZE'] ?? '100');
const outcome = await runWorker(pool, process.env['RUN_ID'] ?? '', {
  batchSize: size,
  minBatchSize: size,
  maxBatchSize: size,
  idleMs: 100,
  onBatch: (batch) => {
    process.stderr.write(`batch ${batch.slice} ${batch.lastId}\n`);
  },
});
process.stdout.write(`${JSON.stringify(outcome)}\n`);
await pool.end();
