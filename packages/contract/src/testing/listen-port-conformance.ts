import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ListenHandlers, ListenPort } from '../ports/listen-port.js';
import type { Queryable } from '../ports/queryable.js';

/** What the kit needs to prove a ListenPort against a real PostgreSQL. */
export interface ListenPortConformanceSetup {
  /**
   * The port under test. Its sessions must carry `applicationName` (libpq `application_name`): the
   * kit finds the listener's backend by it in `pg_stat_activity`.
   */
  readonly makePort: (options: { applicationName: string }) => ListenPort | Promise<ListenPort>;
  /**
   * Another session on the same database, allowed to signal the listener's backend (its own login,
   * or a superuser): it sends the notifications and terminates the listener.
   */
  readonly db: () => Queryable;
}

const DELIVERY_TIMEOUT_MS = 5_000;
const QUIET_MS = 300;

/** Handlers that keep what they are told, for the checks to look at. */
function recordingHandlers(
  onPayload: (payload: string) => void,
): ListenHandlers & { readonly payloads: string[]; readonly lost: Error[] } {
  const payloads: string[] = [];
  const lost: Error[] = [];
  return {
    payloads,
    lost,
    onNotification: (payload) => {
      payloads.push(payload);
      onPayload(payload);
    },
    onLost: (error) => lost.push(error),
  };
}

/**
 * A fresh channel per check, with an upper-case letter: an adapter must LISTEN on the name it is
 * given, quoted, not on its lower-cased form.
 */
const uniqueChannel = () => `bl_Conformance_${randomBytes(5).toString('hex')}`;
const uniqueApplicationName = () => `bl-listen-conformance-${randomBytes(5).toString('hex')}`;

async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query('select pg_notify($1::text, $2::text)', [channel, payload]);
}

async function backendsOf(db: Queryable, applicationName: string): Promise<number[]> {
  const { rows } = await db.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and application_name = $1::text',
    [applicationName],
  );
  return rows.map((row) => row.pid);
}

async function openRecorded(
  setup: ListenPortConformanceSetup,
  onPayload: (payload: string) => void = () => {},
) {
  const applicationName = uniqueApplicationName();
  const channel = uniqueChannel();
  const handlers = recordingHandlers(onPayload);
  const port = await setup.makePort({ applicationName });
  const session = await port.open(channel, handlers);
  return { applicationName, channel, handlers, session };
}

/** Ends the listener's backend from outside, as a restart, a failover or an operator would. */
async function terminateListener(db: Queryable, applicationName: string): Promise<void> {
  await expect.poll(() => backendsOf(db, applicationName)).toHaveLength(1);
  const [pid] = await backendsOf(db, applicationName);
  await db.query('select pg_terminate_backend($1::int)', [pid]);
}

/**
 * Fails unless a notification sent right after `open` resolves reaches `onNotification`, payloads
 * intact and in order, only those of its own channel; and unless `ping` resolves on a live session.
 */
export async function checkListenPortDelivers(setup: ListenPortConformanceSetup): Promise<void> {
  const db = setup.db();
  const { channel, handlers, session } = await openRecorded(setup);
  try {
    // Sent the moment open resolved: an adapter that resolves before LISTEN stands misses it.
    await notify(db, channel, 'first');
    await notify(db, `${channel}_other`, 'not for this session');
    await notify(db, channel, `second, with 'quotes' and ünïcödé`);
    await expect
      .poll(() => handlers.payloads, { timeout: DELIVERY_TIMEOUT_MS })
      .toEqual(['first', `second, with 'quotes' and ünïcödé`]);
    await session.ping();
    expect(handlers.lost).toEqual([]);
  } finally {
    await session.close();
  }
}

/**
 * Fails if anything is delivered once `close` is called, if `onLost` is called for a close, if the
 * session outlives `close`, or if a second `close` does not resolve.
 */
export async function checkListenPortCloseStopsDelivery(setup: ListenPortConformanceSetup): Promise<void> {
  const db = setup.db();
  let closing: Promise<void> | undefined;
  const opened = await openRecorded(setup, (payload) => {
    // Closed from inside the first delivery of a batch: the rest arrives with it or after it, and
    // must not be handed over.
    if (payload === '1') closing = opened.session.close();
  });
  const { applicationName, channel, handlers, session } = opened;
  await db.query('select pg_notify($1::text, g::text) from generate_series(1, 20) as g', [channel]);
  await expect.poll(() => closing !== undefined, { timeout: DELIVERY_TIMEOUT_MS }).toBe(true);
  await closing;
  await notify(db, channel, 'after close');
  await sleep(QUIET_MS);
  expect(handlers.payloads).toEqual(['1']);
  expect(handlers.lost).toEqual([]);
  await expect.poll(() => backendsOf(db, applicationName), { timeout: DELIVERY_TIMEOUT_MS }).toEqual([]);
  await session.close();
}

/** Fails unless a session whose backend is terminated calls `onLost` exactly once, with an Error. */
export async function checkListenPortReportsLostOnce(setup: ListenPortConformanceSetup): Promise<void> {
  const db = setup.db();
  const { applicationName, handlers, session } = await openRecorded(setup);
  try {
    await terminateListener(db, applicationName);
    await expect.poll(() => handlers.lost.length, { timeout: DELIVERY_TIMEOUT_MS }).toBeGreaterThan(0);
    await sleep(QUIET_MS);
    expect(handlers.lost).toHaveLength(1);
    expect(handlers.lost[0]).toBeInstanceOf(Error);
  } finally {
    await session.close();
  }
}

/** Fails unless `ping` rejects on a session whose backend is gone, and `close` then lets it go. */
export async function checkListenPortPingRejectsWhenDead(setup: ListenPortConformanceSetup): Promise<void> {
  const db = setup.db();
  const { applicationName, session } = await openRecorded(setup);
  try {
    await session.ping();
    await terminateListener(db, applicationName);
    await expect.poll(() => backendsOf(db, applicationName), { timeout: DELIVERY_TIMEOUT_MS }).toEqual([]);
    await expect(session.ping()).rejects.toBeInstanceOf(Error);
  } finally {
    // On a lost session close must resolve too: a caller closes whatever it holds.
    await session.close();
  }
}

/**
 * A ListenPort must deliver its channel's notifications once `open` resolves, stop at `close`,
 * report a lost session exactly once, and have `ping` reject on a dead session. Run it with a real
 * PostgreSQL: `describeListenPortConformance('my adapter', { makePort, db: () => pool })`.
 */
export function describeListenPortConformance(name: string, setup: ListenPortConformanceSetup): void {
  describe(`ListenPort conformance: ${name}`, () => {
    it('declares specification v1', async () => {
      const port = await setup.makePort({ applicationName: uniqueApplicationName() });
      expect(port.specificationVersion).toBe('v1');
    });

    it('delivers notifications sent once open resolves, in order, only its own channel', async () => {
      await checkListenPortDelivers(setup);
    });

    it('delivers nothing once close is called, and ends the session', async () => {
      await checkListenPortCloseStopsDelivery(setup);
    });

    it('calls onLost exactly once when the backend is terminated', async () => {
      await checkListenPortReportsLostOnce(setup);
    });

    it('rejects ping on a dead session, and close lets it go', async () => {
      await checkListenPortPingRejectsWhenDead(setup);
    });
  });
}
