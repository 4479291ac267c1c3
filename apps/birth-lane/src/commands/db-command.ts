import type { Command } from 'commander';

/**
 * `birth-lane db start|stop|status|url`: the embedded PostgreSQL kept up for people who want to
 * look inside with psql. Only for the embedded database: with DATABASE_URL set, the server is
 * yours and these commands refuse (64).
 */
export function registerDbCommand(program: Command): void {
  const db = program
    .command('db')
    .description(
      'the embedded PostgreSQL (.birth-lane/): keep it up, stop it, show it, print its URL for psql',
    );

  db.command('start')
    .description('start the embedded PostgreSQL (or join the running one) and keep it up until `db stop`')
    .option('--json', 'print the state as JSON')
    .action(async (options: { json?: boolean }) => {
      const { config, embedded, asLaneError } = await load();
      const state = await embedded
        .keepEmbeddedUp(config.BIRTH_LANE_DATA_DIR, config.BIRTH_LANE_EMBEDDED_PORT)
        .catch((error: unknown) => {
          throw asLaneError(error);
        });
      print(
        options.json,
        state,
        `embedded PostgreSQL up (pid ${state.pid}, port ${state.port}); it stays up until \`birth-lane db stop\`\n  psql ${state.url}\n`,
      );
    });

  db.command('stop')
    .description('stop the embedded PostgreSQL now, or when the last command using it ends')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { config, embedded } = await load();
      const result = await embedded.stopEmbedded(config.BIRTH_LANE_DATA_DIR);
      print(
        options.json,
        result,
        result.stopped
          ? 'embedded PostgreSQL stopped\n'
          : `embedded PostgreSQL in use by pid ${result.users.join(', ')}: it stops when the last of them ends\n`,
      );
    });

  db.command('status')
    .description('is the embedded PostgreSQL running, on which port, kept up, used by which commands')
    .option('--json', 'print the state as JSON')
    .action(async (options: { json?: boolean }) => {
      const { config, embedded } = await load();
      const state = embedded.embeddedState(config.BIRTH_LANE_DATA_DIR);
      print(
        options.json,
        state,
        state.running
          ? `running       pid ${state.pid}, port ${state.port}, data in ${state.dataDir}\n` +
              `kept up       ${state.keptUp ? 'yes (until `birth-lane db stop`)' : 'no (stops when the last command ends)'}\n` +
              `used by       ${state.users.length === 0 ? 'no command' : `pid ${state.users.join(', ')}`}\n`
          : `not running   (data in ${state.dataDir}); \`birth-lane db start\` keeps it up\n`,
      );
    });

  db.command('url')
    .description('print a working connection string (password included) of the running embedded PostgreSQL')
    .action(async () => {
      const { config, embedded } = await load();
      const state = embedded.embeddedState(config.BIRTH_LANE_DATA_DIR);
      if (!state.running || state.url === null) {
        const { CliError } = await import('@birth-lane/contract/cli');
        throw new CliError(
          'unavailable',
          'the embedded PostgreSQL is not running: `birth-lane db start` keeps it up, then `birth-lane db url`.',
        );
      }
      process.stdout.write(`${state.url}\n`);
    });
}

async function load() {
  const [{ loadConfig }, embedded, { CliError }, { asLaneError }] = await Promise.all([
    import('../config.js'),
    import('@birth-lane/embedded-postgres/database'),
    import('@birth-lane/contract/cli'),
    import('../database/open-database.js'),
  ]);
  const config = loadConfig();
  if (config.DATABASE_URL) {
    throw new CliError(
      'usage',
      '`birth-lane db` manages the embedded PostgreSQL only, and DATABASE_URL is set: that server is yours (psql "$DATABASE_URL").',
    );
  }
  return { config, embedded, asLaneError };
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : text);
}
