import { describeServer } from '../database-url.js';
import type { RunningServer } from './running-server.js';

/**
 * A server someone else runs (a local PostgreSQL, a CI service). The kit only adds and drops
 * its own bl_* databases there; the database named in the URL is used just to connect.
 */
export function serverFromUrl(url: string, variable: string): RunningServer {
  return {
    url,
    source: `${variable} (${describeServer(url)})`,
    async stop() {},
  };
}
