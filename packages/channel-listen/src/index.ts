export { createListenChannel } from './create-listen-channel.js';
export { ListenChannel, type ListenChannelDependencies, type ListenStats } from './listen-channel.js';
export {
  type ListenChannelSettings,
  type ListenChannelSettingsInput,
  listenChannelSettingsSchema,
} from './listen-settings.js';
export { type PgListenPortOptions, pgListenPort } from './pg-listen-port.js';
