import { Writable } from 'node:stream';
import type { ChannelLogger } from '@birth-lane/contract';
import { countingRunner } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { auth, contractSetupSql, newChannel, TOKEN } from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-logging' });

function recordingLogger(): ChannelLogger & {
  lines: { level: string; fields: Record<string, unknown>; message: string }[];
} {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('logs through a plain ChannelLogger (fastify logging off)', () => {
  it('writes one line per request: method, path without the query, status, ms; never a header', async () => {
    const logger = recordingLogger();
    const channel = newChannel(t, {}, { logger });
    await channel.start(countingRunner());
    const url = channel.url;
    try {
      await fetch(`${url}/runs?token=${TOKEN}`, { method: 'POST', headers: auth });
      await fetch(`${url}/metrics`);
      await expect.poll(() => logger.lines.filter((line) => line.message === 'http request').length).toBe(2);
    } finally {
      await channel.stop();
    }
    const requests = logger.lines
      .filter((line) => line.message === 'http request')
      .map((line) => line.fields);
    expect(requests).toEqual([
      { channel: 'http', method: 'POST', path: '/runs', status: 202, ms: expect.any(Number) },
      { channel: 'http', method: 'GET', path: '/metrics', status: 401, ms: expect.any(Number) },
    ]);
    expect(logger.lines.map((line) => line.message)).toContain('http channel listening');
    expect(logger.lines.find((line) => line.message === 'http channel listening')?.fields).toMatchObject({
      channel: 'http',
      url,
    });
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
  });
});

describe('logs through a pino logger (fastify loggerInstance)', () => {
  it('hands the pino logger to fastify, so its own lines and the request lines share the stream', async () => {
    let output = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        output += chunk;
        done();
      },
    });
    const logger = pino({ level: 'info', base: { app: 'test' } }, stream);
    const channel = newChannel(t, {}, { logger });
    await channel.start(countingRunner());
    try {
      await fetch(`${channel.url}/runs?token=${TOKEN}`, { method: 'POST', headers: auth });
      await expect.poll(() => output).toMatch(/"msg":"http request"/);
    } finally {
      await channel.stop();
    }
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Fastify's own line: only a logger it was given writes it.
    expect(lines.some((line) => String(line['msg']).startsWith('Server listening at'))).toBe(true);
    const request = lines.find((line) => line['msg'] === 'http request');
    expect(request).toMatchObject({
      app: 'test',
      channel: 'http',
      method: 'POST',
      path: '/runs',
      status: 202,
    });
    // Through fastify's request logger: the line carries its request id.
    expect(request).toHaveProperty('reqId');
    // Fastify's own per-request lines are off; the channel writes the one line.
    expect(lines.some((line) => line['msg'] === 'incoming request')).toBe(false);
    expect(output).toMatch(/"msg":"http channel listening"/);
    expect(output).not.toContain(TOKEN);
  });
});
