import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * True if a Docker engine answers within `timeoutMs`.
 *
 * First look for any sign of an engine (the places testcontainers itself looks), so a machine
 * with only the `docker` client and no engine answers "no" at once, without loading
 * testcontainers (about half a second). If there is a sign, ask testcontainers, in a child
 * process: its ping has no timeout of its own, and an endpoint that accepts but never answers
 * would otherwise hang the probe or keep this process alive after the tests. A child can be
 * killed.
 */
export async function dockerEngineAnswers(timeoutMs: number): Promise<boolean> {
  if (!anyDockerEndpoint()) return false;
  const testcontainers = createRequire(import.meta.url).resolve('testcontainers');
  const probe =
    'require(process.argv[1]).getContainerRuntimeClient().then(() => process.exit(0), () => process.exit(1))';
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', probe, testcontainers], { timeout: timeoutMs }, (error) =>
      resolve(error === null),
    );
  });
}

function anyDockerEndpoint(): boolean {
  if (process.env['DOCKER_HOST']) return true;
  const home = homedir();
  const candidates = [
    join(home, '.testcontainers.properties'),
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    join('/run', 'user', String(userInfo().uid), 'docker.sock'),
  ];
  const runtimeDir = process.env['XDG_RUNTIME_DIR'];
  if (runtimeDir) candidates.push(join(runtimeDir, 'docker.sock'));
  return candidates.some((path) => existsSync(path));
}
