import { silentLogger } from '@birth-lane/contract';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { channelLogger, isPinoShaped } from './channel-log.js';

describe('isPinoShaped', () => {
  it('tells a pino logger from a logger with only the ChannelLogger methods', () => {
    expect(isPinoShaped(pino({ enabled: false }))).toBe(true);
    expect(isPinoShaped(silentLogger)).toBe(false);
  });
});

describe('channelLogger', () => {
  it('adds channel: "http" to the lines of a plain ChannelLogger', () => {
    const seen: unknown[] = [];
    const log = channelLogger({ ...silentLogger, info: (fields, message) => seen.push([fields, message]) });
    log.info({ url: 'x' }, 'listening');
    expect(seen).toEqual([[{ channel: 'http', url: 'x' }, 'listening']]);
  });
});
