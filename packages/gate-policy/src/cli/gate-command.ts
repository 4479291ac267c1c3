import { type CommandHost, registryIdFlag, secondsFlag } from '@birth-lane/contract/cli';
import { Command, Option } from 'commander';

/** Flags both subcommands take: the windows the flip criteria are measured over. */
function withWindows(command: Command): Command {
  return command
    .option(
      '--heartbeat-window <seconds>',
      'a producer stands if it beat within this many seconds (10 to 3600)',
      secondsFlag('--heartbeat-window', 10, 3600),
      300,
    )
    .option(
      '--health-window <seconds>',
      'runs and backlog are measured over this many seconds (3600, the server’s minimum, to 604800)',
      secondsFlag('--health-window', 3600, 604_800),
      3600,
    );
}

export interface GateWindowFlags {
  heartbeatWindow: number;
  healthWindow: number;
}

/**
 * `birth-lane gate status|flip`: the birth gate as persisted (with the layer each value comes
 * from) and its flip criteria as the database measures them; the flip itself is decided by the
 * database (birth_lane.flip_birth_gate), which the command only asks and displays.
 */
export function gateCommand(host: CommandHost): Command {
  const gate = new Command('gate').description(
    'the birth gate: warning (defective births minted, warned on record) or block (refused)',
  );
  const actions = () => import('./gate-actions.js');

  withWindows(
    gate
      .command('status')
      .description(
        'mode and bypass with the layer each comes from, risks, and each flip criterion measured now',
      ),
  )
    .option('--role <login>', 'also say what a new session of this login starts with (role layers)')
    .option('--approval <id>', 'judge this gate_flip approval request too', registryIdFlag('--approval'))
    .option('--json', 'print as JSON')
    .action(async (flags: GateWindowFlags & { role?: string; approval?: string; json?: boolean }) => {
      process.exitCode = await (await actions()).gateStatus(host, flags);
    });

  withWindows(
    gate
      .command('flip')
      .description(
        'flip to warning (always allowed) or to block (only when every criterion holds; refused otherwise)',
      ),
  )
    .addOption(
      new Option('--to <mode>', 'the mode to flip to').choices(['warning', 'block']).makeOptionMandatory(),
    )
    .option(
      '--approval <id>',
      'the gate_flip approval request (needed for block)',
      registryIdFlag('--approval'),
    )
    .option('--json', 'print the database’s answer as JSON')
    .action(
      async (flags: GateWindowFlags & { to: 'warning' | 'block'; approval?: string; json?: boolean }) => {
        process.exitCode = await (await actions()).gateFlip(host, flags);
      },
    );

  return gate;
}
