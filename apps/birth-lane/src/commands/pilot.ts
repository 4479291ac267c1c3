import { writeFile } from 'node:fs/promises';
import { EXIT_CODES } from '@birth-lane/contract';
import { CliError, progressBar, withDatabase } from '@birth-lane/contract/cli';
import {
  DEFAULT_KG_TABLES,
  KG_TABLES_ENV,
  parseKgTables,
  renderProofMarkdown,
} from '@birth-lane/no-touch-prover';
import { assertWritableFile, VERDICT_EXIT_CODES } from '@birth-lane/no-touch-prover/cli';
import type { SurfaceInput } from '@birth-lane/staging-surface';
import { readFixturesFlag, readRuleSetFlag } from '@birth-lane/staging-surface/cli';
import { commandHost } from '../command-host.js';
import { formatPilot } from '../pilot/format-pilot.js';
import { recordPilotVerdict } from '../pilot/record-pilot-verdict.js';
import { type PilotStep, runPilot } from '../pilot/run-pilot.js';

export interface PilotFlags {
  readonly sample?: number;
  readonly fixtures?: string;
  readonly keepBadRows?: boolean;
  readonly ruleSet?: string;
  readonly kgTables?: string;
  readonly json?: boolean;
  readonly markdown?: string;
}

/** The sample a pilot takes when given neither --sample nor --fixtures. */
export const DEFAULT_PILOT_SAMPLE = 1_000;

/**
 * `birth-lane pilot`: snapshot → create → run → report → drop → snapshot → verdict, as one
 * command. Exit 0 only on PASS; 4 on FAIL, 5 on INCONCLUSIVE.
 */
export async function pilotCommand(flags: PilotFlags): Promise<number> {
  if (flags.sample !== undefined && flags.fixtures !== undefined)
    throw new CliError('usage', 'pilot takes --sample N or --fixtures FILE, not both.');
  if (flags.keepBadRows && flags.fixtures === undefined)
    throw new CliError('usage', '--keep-bad-rows applies to --fixtures only.');
  // Refused before the pilot starts, not after a whole rehearsal (exit 64, naming the flag).
  if (flags.markdown !== undefined) await assertWritableFile(flags.markdown, '--markdown');
  const input: SurfaceInput =
    flags.fixtures === undefined
      ? { kind: 'sample', size: flags.sample ?? DEFAULT_PILOT_SAMPLE }
      : await readFixturesFlag(flags.fixtures, flags.keepBadRows === true);
  const ruleSet = flags.ruleSet === undefined ? undefined : await readRuleSetFlag(flags.ruleSet);
  const kgTables = parseKgTables(
    flags.kgTables ?? process.env[KG_TABLES_ENV] ?? DEFAULT_KG_TABLES,
    flags.kgTables !== undefined ? '--kg-tables' : KG_TABLES_ENV in process.env ? KG_TABLES_ENV : 'kgTables',
  );
  const compiler = await commandHost.inspectionCompiler();
  return withDatabase(commandHost, async (db) => {
    // One bar per long step (the snapshots' rows, the run's rows), ended on what was really done.
    let bar: { step: PilotStep; bar: ReturnType<typeof progressBar>; done: number } | undefined;
    const endBar = () => {
      bar?.bar.finish(bar.done);
      bar = undefined;
    };
    const result = await runPilot(db, {
      compiler,
      input,
      ruleSet,
      kgTables,
      onStep: (step) => {
        endBar();
        if (!flags.json) process.stderr.write(`pilot: ${step}\n`);
      },
      onProgress: (step, done, total) => {
        if (bar?.step !== step) {
          endBar();
          bar = { step, bar: progressBar(`pilot ${step}`, Math.max(total, done)), done };
        }
        bar.done = done;
        bar.bar.update(done);
      },
    });
    endBar();
    if (flags.markdown !== undefined)
      await writeFile(flags.markdown, renderProofMarkdown(result.proof), 'utf8');
    const note = await recordPilotVerdict(db, result, flags.markdown);
    if (!note.recorded)
      process.stderr.write(`pilot: verdict not recorded in the evidence log (${note.reason})\n`);
    process.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : formatPilot(result));
    return VERDICT_EXIT_CODES[result.proof.verdict] ?? EXIT_CODES.internal;
  });
}
