import { randomBytes } from 'node:crypto';
import { createHttpChannel, type HttpChannel } from '@birth-lane/channel-http';
import {
  EXIT_CODES,
  LANE_ROLES,
  PostgresApprovalGate,
  quoteIdentifier,
  quoteLiteral,
  silentLogger,
} from '@birth-lane/contract';
import type { TestDatabase } from '@birth-lane/test-kit';
import pg from 'pg';
import { commandHost } from '../src/command-host.js';
import { loadConfig } from '../src/config.js';
import { consolePlugins } from '../src/console/console-plugins.js';
import { runCli } from './run-cli.js';

/**
 * A lane with something to show, and the people who look at it: each a LOGIN role with a random
 * password (roles are cluster-wide; a crashed run's leftovers are no way in), holding what a real
 * operator would hold. The console is served by a real http channel (the agent API's own server).
 */
export interface ConsoleFixture {
  readonly password: string;
  readonly logins: {
    /** birth_lane_reader and president: sees everything, may vote. */
    readonly approver: string;
    /** birth_lane_reader only: sees everything, may not vote. */
    readonly reader: string;
    /** birth_lane_governance: files the approval request. */
    readonly proposer: string;
  };
  /** The open request the approver votes on. */
  readonly requestId: string;
  /** The run the producer made over the seeded rows. */
  readonly runId: string;
  /** The server accepts any password (the local PG15 of development); the embedded one does not. */
  readonly trustAuthentication: boolean;
  readonly channel: HttpChannel;
  close(): Promise<void>;
}

export const HTTP_TOKEN = 'console-test-token-0123456789';

export async function startConsoleFixture(t: { db: TestDatabase }): Promise<ConsoleFixture> {
  const suffix = randomBytes(4).toString('hex');
  const password = randomBytes(18).toString('hex');
  const logins = {
    approver: `bl_console_${suffix}_approver`,
    reader: `bl_console_${suffix}_reader`,
    proposer: `bl_console_${suffix}_proposer`,
  };
  const admin = t.db.pool;
  for (const login of Object.values(logins)) {
    await admin.query(`create role ${quoteIdentifier(login)} login password ${quoteLiteral(password)}`);
  }
  await admin.query(
    `grant ${LANE_ROLES.reader} to ${quoteIdentifier(logins.approver)}, ${quoteIdentifier(logins.reader)}`,
  );
  await admin.query(`grant birth_lane_president to ${quoteIdentifier(logins.approver)}`);
  await admin.query(`grant ${LANE_ROLES.governance} to ${quoteIdentifier(logins.proposer)}`);

  // Rows to judge: every even one fails the gate (no species), so the run has 75 failing rows, more
  // than a page (50) holds.
  await admin.query(
    `insert into public.birth_registry (entity_code, collection_name, species_code, dot_origin, name, description, status)
     select 'CON-' || lpad(g::text, 3, '0'), 'fauna', case when g % 2 = 0 then null else 'SP-MAMMAL' end,
            'dot://c' || g, 'Animal ' || g, 'A mammal seen by the console test.', 'active'
       from generate_series(1, 150) g`,
  );
  const run = await runCli(['run', '--json'], { DATABASE_URL: t.db.connectionString });
  if (run.code !== EXIT_CODES.completed) throw new Error(`the producer run failed: ${run.stderr}`);
  const runId = (JSON.parse(run.stdout.trim().split('\n').pop()!) as { runId: string }).runId;

  const urlAs = (login: string, secret: string) => {
    const url = new URL(t.db.connectionString);
    url.username = login;
    url.password = secret;
    return url.toString();
  };
  const proposerPool = new pg.Pool({ connectionString: urlAs(logins.proposer, password), max: 1 });
  let requestId: string;
  try {
    const request = await new PostgresApprovalGate(proposerPool).propose({
      action: 'gate_flip',
      scope: { mode: 'block', test: suffix },
      risk: 'medium',
      reason: 'console test: a request for the approver to vote on',
    });
    requestId = request.id;
  } finally {
    await proposerPool.end();
  }

  const probe = new pg.Client({ connectionString: urlAs(logins.reader, 'not-the-password') });
  const trustAuthentication = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => undefined);

  const config = loadConfig({
    DATABASE_URL: t.db.connectionString,
    BIRTH_LANE_HTTP_TOKEN: HTTP_TOKEN,
    // The overview's background readings every second, so a test does not wait long for the first.
    BIRTH_LANE_CONSOLE_OVERVIEW_TTL_S: '1',
    ...(trustAuthentication ? { BIRTH_LANE_CONSOLE_ALLOW_TRUST: '1' } : {}),
  });
  const database = {
    pool: admin,
    url: t.db.connectionString,
    source: 'test',
    close: async () => undefined,
  };
  const plugins = (await consolePlugins(config, database, silentLogger)) as never[];
  const channel = createHttpChannel(
    { port: 0, host: '127.0.0.1', token: HTTP_TOKEN },
    { db: admin, logger: silentLogger, plugins },
  );
  await channel.start(await commandHost.createProducer(admin));

  return {
    password,
    logins,
    requestId,
    runId,
    trustAuthentication,
    channel,
    async close() {
      await channel.stop();
      for (const login of Object.values(logins)) {
        // Sessions the console opened as the login end with the channel; then the role can go.
        await admin.query(`drop owned by ${quoteIdentifier(login)}`).catch(() => undefined);
        await admin.query(`drop role if exists ${quoteIdentifier(login)}`);
      }
    },
  };
}

/** A cookie jar of one: the Set-Cookie values of a response, as a Cookie header. */
export function cookiesOf(response: Response, jar: Map<string, string> = new Map()): Map<string, string> {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair!.indexOf('=');
    const name = pair!.slice(0, at);
    const value = pair!.slice(at + 1);
    if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return jar;
}

export const cookieHeader = (jar: Map<string, string>) =>
  [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

/** The value of a hidden input named `name` in a page (the CSRF token). */
export function hiddenField(page: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(page);
  if (!match) throw new Error(`no hidden field ${name} in the page`);
  return match[1]!;
}
