import pino from 'pino';
import { type Boss, startBoss, stopBoss } from '../src/jobs/pg-boss.js';

/** Runs `work` with a short-lived pg-boss client on the database (to enqueue, or send a tick), then stops it. */
export async function withBoss<T>(
  connectionString: string,
  applicationName: string,
  work: (boss: Boss) => Promise<T>,
): Promise<T> {
  const boss = await startBoss({
    connectionString,
    applicationName,
    log: pino({ level: 'silent' }),
    supervise: false,
  });
  try {
    return await work(boss);
  } finally {
    await stopBoss(boss);
  }
}
