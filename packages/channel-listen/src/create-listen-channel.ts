import { type ChannelFactory, parseChannelSettings } from '@birth-lane/contract';
import { ListenChannel, type ListenChannelDependencies } from './listen-channel.js';
import { type ListenChannelSettingsInput, listenChannelSettingsSchema } from './listen-settings.js';

/**
 * The listen channel from plain settings (checked here: a ValidationError names each bad field;
 * defaults filled in) and live dependencies: the database its heartbeat goes to, a logger, and the
 * ListenPort it opens its session through.
 */
export const createListenChannel = ((settings, dependencies) =>
  new ListenChannel(
    parseChannelSettings('listen', listenChannelSettingsSchema, settings),
    dependencies,
  )) satisfies ChannelFactory<ListenChannelSettingsInput, ListenChannelDependencies>;
