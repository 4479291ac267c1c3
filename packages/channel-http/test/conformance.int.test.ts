import { describeProducerChannelConformance } from '@birth-lane/contract/testing';
import { useTestDatabase } from '@birth-lane/test-kit';
import { expect } from 'vitest';
import type { HttpChannel } from '../src/index.js';
import { contractSetupSql, jsonAuth, newChannel } from './channel-fixture.js';

const t = useTestDatabase({ setupSql: contractSetupSql, name: 'http-conformance' });

describeProducerChannelConformance('createHttpChannel', () => newChannel(t), {
  provokeRun: async (channel) => {
    const response = await fetch(`${(channel as HttpChannel).url}/runs`, {
      method: 'POST',
      headers: jsonAuth,
      body: '{}',
    });
    expect(response.status).toBe(202);
  },
});
