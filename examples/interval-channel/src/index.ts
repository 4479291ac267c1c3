import type { ChannelModule } from '@birth-lane/contract';
import { createIntervalChannel } from './interval-channel.js';
import { type IntervalSettings, intervalSettingsSchema } from './interval-settings.js';

export { createIntervalChannel } from './interval-channel.js';
export { type IntervalSettings, intervalSettingsSchema } from './interval-settings.js';

/** What `birth-lane channel --module @birth-lane-examples/interval-channel` loads. */
export const channelModule: ChannelModule<IntervalSettings> = {
  specificationVersion: 'v1',
  settingsSchema: intervalSettingsSchema,
  createChannel: createIntervalChannel,
};
