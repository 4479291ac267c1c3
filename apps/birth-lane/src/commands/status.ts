import { requireLaneReadable } from '@birth-lane/contract/cli';
import type { AppConfig } from '../config.js';
import { openDatabase } from '../database/open-database.js';
import { formatStatus } from '../status/format-status.js';
import { laneStatus } from '../status/lane-status.js';

export async function statusCommand(config: AppConfig, options: { json: boolean }): Promise<number> {
  const database = await openDatabase(config, { poolSize: 2 });
  try {
    await requireLaneReadable(database.pool);
    const status = await laneStatus(database.pool, { detail: true });
    process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${formatStatus(status)}\n`);
    return 0;
  } finally {
    await database.close();
  }
}
