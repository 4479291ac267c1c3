export { type ConsoleAsset, loadConsoleAssets } from './console-assets.js';
export type {
  ConsoleDependencies,
  ConsoleOverview,
  ConsoleReaders,
  LoginDatabase,
  LoginOpener,
  LoginRefusal,
  OverviewBacklogPass,
  OverviewFunnel,
  OverviewGate,
  OverviewProducer,
} from './console-ports.js';
export { consoleRoutes, LOGIN_CSRF_COOKIE, SESSION_COOKIE } from './console-routes.js';
export {
  type ConsoleSettings,
  type ConsoleSettingsInput,
  consoleSettingsSchema,
  parseConsoleSettings,
} from './console-settings.js';
export { consoleSteps } from './console-steps.js';
export { CONSOLE_BASE } from './layout.js';
