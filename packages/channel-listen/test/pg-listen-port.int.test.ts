import { setTimeout as sleep } from 'node:timers/promises';
import type { ListenHandlers, ListenPort } from '@birth-lane/contract';
import {
  checkListenPortCloseStopsDelivery,
  checkListenPortDelivers,
  checkListenPortPingRejectsWhenDead,
  checkListenPortReportsLostOnce,
  describeListenPortConformance,
  type ListenPortConformanceSetup,
} from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { describe, expect, it } from 'vitest';
import { pgListenPort } from '../src/pg-listen-port.js';

const t = useTestDatabase();
// The app's hardening, as it passes it: the adapter must work with it.
const SESSION_OPTIONS = '-c search_path=pg_catalog,pg_temp';

const realPort = (applicationName: string) =>
  pgListenPort({ connectionString: t.db.connectionString, applicationName, sessionOptions: SESSION_OPTIONS });

describeListenPortConformance('pgListenPort', {
  makePort: ({ applicationName }) => realPort(applicationName),
  db: () => t.db.pool,
});

const ignore: ListenHandlers = { onNotification: () => undefined, onLost: () => undefined };

describe('pgListenPort', () => {
  it('starts its sessions with the sessionOptions given', async () => {
    // The server refuses an unknown setting at connection start: proof the options reach it.
    const port = pgListenPort({
      connectionString: t.db.connectionString,
      applicationName: 'birth-lane listen options test',
      sessionOptions: '-c birth_lane_no_such_setting=1',
    });
    await expect(port.open('anything', ignore)).rejects.toThrow(/birth_lane_no_such_setting/);
  });

  it('rejects open with the server’s reason when it cannot connect', async () => {
    const url = new URL(t.db.connectionString);
    url.pathname = '/birth_lane_no_such_database';
    const port = pgListenPort({
      connectionString: url.toString(),
      applicationName: 'birth-lane listen test',
    });
    await expect(port.open('anything', ignore)).rejects.toThrow(/birth_lane_no_such_database/);
  });
});

/** A port made from the real one with one property broken, to show the kit's check for it fails. */
function broken(wrap: (real: ListenPort) => ListenPort): ListenPortConformanceSetup {
  return {
    makePort: ({ applicationName }) => wrap(realPort(applicationName)),
    db: () => t.db.pool,
  };
}

describe('the ListenPort conformance checks catch', () => {
  it('a port whose open resolves before LISTEN stands', async () => {
    const setup = broken((real) => ({
      specificationVersion: 'v1',
      async open(channel, handlers) {
        const opening = sleep(200).then(() => real.open(channel, handlers));
        return {
          ping: async () => (await opening).ping(),
          close: async () => (await opening).close(),
        };
      },
    }));
    await expect(checkListenPortDelivers(setup)).rejects.toThrow();
  });

  it('a port whose close neither UNLISTENs nor ends the session', async () => {
    const sessions: Array<{ close(): Promise<void> }> = [];
    const setup = broken((real) => ({
      specificationVersion: 'v1',
      async open(channel, handlers) {
        const session = await real.open(channel, handlers);
        sessions.push(session);
        return { ping: () => session.ping(), close: async () => undefined };
      },
    }));
    try {
      await expect(checkListenPortCloseStopsDelivery(setup)).rejects.toThrow();
    } finally {
      for (const session of sessions) await session.close();
    }
  });

  it('a port that reports one loss twice', async () => {
    const setup = broken((real) => ({
      specificationVersion: 'v1',
      open: (channel, handlers) =>
        real.open(channel, {
          onNotification: handlers.onNotification,
          onLost: (error) => {
            handlers.onLost(error);
            handlers.onLost(error);
          },
        }),
    }));
    await expect(checkListenPortReportsLostOnce(setup)).rejects.toThrow();
  });

  it('a port that never reports a loss', async () => {
    const setup = broken((real) => ({
      specificationVersion: 'v1',
      open: (channel, handlers) =>
        real.open(channel, { onNotification: handlers.onNotification, onLost: () => undefined }),
    }));
    await expect(checkListenPortReportsLostOnce(setup)).rejects.toThrow();
  }, 15_000);

  it('a port whose ping answers for a dead session', async () => {
    const setup = broken((real) => ({
      specificationVersion: 'v1',
      async open(channel, handlers) {
        const session = await real.open(channel, handlers);
        return { ping: async () => undefined, close: () => session.close() };
      },
    }));
    await expect(checkListenPortPingRejectsWhenDead(setup)).rejects.toThrow();
  });
});
