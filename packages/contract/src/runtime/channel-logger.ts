/**
 * The logger port channels write to: the pino call shape (an object of fields, then a message), so a
 * pino logger fits as it is and a test can pass a recording one.
 */
export interface ChannelLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything: for library use without logs and for tests that do not read them. */
export const silentLogger: ChannelLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
