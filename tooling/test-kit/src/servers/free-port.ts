import { createServer } from 'node:net';

/**
 * A TCP port that is free right now on 127.0.0.1, chosen by the OS. Another process could take
 * it before we use it, but that is rare enough for a test server.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('[test-kit] the OS gave no free port'))));
    });
  });
}
