import { type CommandHost, wholeNumberFlag } from '@birth-lane/contract/cli';
import { Command } from 'commander';

/** The largest --sample the command line accepts (the block's default bound, MAX_SURFACE_ROWS). */
const MAX_SAMPLE = 100_000;

export interface CreateFlags {
  sample?: number;
  fixtures?: string;
  keepBadRows?: boolean;
  ruleSet?: string;
  ttl: string;
  json?: boolean;
}

/**
 * `birth-lane staging create|run|report|list|drop`: rehearse on a disposable copy. Every surface
 * command works as the NOLOGIN role birth_lane_staging (SET ROLE on its own connection), which
 * cannot write production; the login needs that role granted.
 */
export function stagingCommand(host: CommandHost): Command {
  const staging = new Command('staging').description(
    'disposable staging surfaces: a copy in, candidate stamps out, one drop (nothing there can write production)',
  );
  const actions = () => import('./staging-actions.js');

  staging
    .command('create')
    .description('create a surface from a sample of uncertified governed rows or from a fixtures file')
    .option(
      '--sample <n>',
      `copy up to n uncertified governed production rows (1 to ${MAX_SAMPLE})`,
      wholeNumberFlag('--sample', 1, MAX_SAMPLE),
    )
    .option('--fixtures <file>', 'load rows from a .jsonl or .csv file (each row validated)')
    .option(
      '--keep-bad-rows',
      'keep fixture rows production would refuse or could not judge as written (not observed rows: those always load and are skipped by the run), as deliberate bad input',
    )
    .option(
      '--rule-set <version|file>',
      "judge by a stored rule set version or a rule-set file (default: production's compiled one)",
    )
    .option('--ttl <duration>', 'how long the surface lives, e.g. 90m, 24h, 7d', '24h')
    .option('--json', 'print the surface as JSON')
    .action(async (flags: CreateFlags) => {
      process.exitCode = await (await actions()).createAction(host, flags);
    });

  staging
    .command('run <id>')
    .description("judge the surface's rows with production's inspection semantics (candidate stamps only)")
    .option('--json', 'print the counts as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).runAction(host, id, flags);
    });

  staging
    .command('report <id>')
    .description('counts per stage, failures with reasons, and (sampled) a comparison with production')
    .option('--json', 'print the report as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      process.exitCode = await (await actions()).reportAction(host, id, flags);
    });

  staging
    .command('list')
    .description('the staging surfaces, with their manifests')
    .option('--expired', 'only surfaces past their expiry')
    .option('--json', 'print as JSON')
    .action(async (flags: { expired?: boolean; json?: boolean }) => {
      process.exitCode = await (await actions()).listAction(host, flags);
    });

  staging
    .command('drop [id]')
    .description('drop a surface (or every expired one) in one move, then check that nothing of it is left')
    .option('--expired', 'drop every expired surface')
    .option('--json', 'print what was dropped as JSON')
    .action(async (id: string | undefined, flags: { expired?: boolean; json?: boolean }) => {
      process.exitCode = await (await actions()).dropAction(host, id, flags);
    });

  return staging;
}
