import { BirthLaneError, type Database, EXIT_CODES, SQLSTATE, sqlStateOf } from '@birth-lane/contract';
import { type CommandHost, progressBar, withDatabase } from '@birth-lane/contract/cli';
import { checkStampMapping } from '../check-mapping.js';
import { readStampMappingFile } from '../mapping-document.js';
import { materializeStamps } from '../materialize-stamps.js';

/** The work of `birth-lane stamps …` (see stamps-command.ts); each returns the exit code. */

async function withStampsDatabase(host: CommandHost, role: string, work: (db: Database) => Promise<number>) {
  return withDatabase(host, async (db) => {
    try {
      return await work(db);
    } catch (error) {
      if (sqlStateOf(error) !== SQLSTATE.insufficientPrivilege) throw error;
      throw new BirthLaneError('FORBIDDEN_ACTION', `${(error as Error).message}: the login needs ${role}`, {
        cause: error,
      });
    }
  });
}

/**
 * Under --json a refusal is printed on stdout as `{"error":{code,message,issues?}}` as well (the
 * exit code and the text on stderr are the host's, unchanged), so a script reading stdout sees it.
 */
async function reportingJsonErrors(json: boolean | undefined, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (json) {
      const described = error as { code?: unknown; message?: unknown; issues?: unknown };
      process.stdout.write(
        `${JSON.stringify({
          error: {
            code: typeof described.code === 'string' ? described.code : 'ERROR',
            message: String(described.message ?? error),
            ...(Array.isArray(described.issues) ? { issues: described.issues } : {}),
          },
        })}\n`,
      );
    }
    throw error;
  }
}

export async function checkStamps(
  host: CommandHost,
  file: string,
  flags: { json?: boolean },
): Promise<number> {
  return reportingJsonErrors(flags.json, () => checkStampsWork(host, file, flags));
}

async function checkStampsWork(host: CommandHost, file: string, flags: { json?: boolean }): Promise<number> {
  const mapping = await readStampMappingFile(file);
  return withStampsDatabase(
    host,
    'birth_lane_reader, birth_lane_governance or birth_lane_promoter',
    async (db) => {
      const check = await checkStampMapping(db, mapping);
      const code = check.ok ? EXIT_CODES.completed : EXIT_CODES.failed;
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ ok: check.ok, mappingHash: check.mappingHash, problems: check.problems })}\n`,
        );
        return code;
      }
      const lines = check.ok
        ? [
            `ok: every stamp maps onto an existing column of a compatible type (${mapping.mappings.length} stamps)`,
            `mapping hash ${check.mappingHash}`,
            `approve with: --action stamp_materialisation --risk high --scope '{"mappingHash":"${check.mappingHash}","fromId":"<id>","toId":"<id>"${mapping.mappings.some((each) => each.stamp === 'OWNER') ? ',"owner":"<owner>"' : ''}}'`,
          ]
        : [
            'refused:',
            ...check.problems.map((each) => `  ${each.field}: ${each.message} (rule: ${each.rule})`),
          ];
      process.stdout.write(`${lines.join('\n')}\n`);
      return code;
    },
  );
}

interface MaterializeFlags {
  mapping: string;
  approval: string;
  fromId?: string;
  toId?: string;
  batchSize: number;
  json?: boolean;
}

export async function materializeStampsAction(host: CommandHost, flags: MaterializeFlags): Promise<number> {
  return reportingJsonErrors(flags.json, () => materializeStampsWork(host, flags));
}

async function materializeStampsWork(host: CommandHost, flags: MaterializeFlags): Promise<number> {
  const mapping = await readStampMappingFile(flags.mapping);
  return withStampsDatabase(host, 'birth_lane_promoter', async (db) => {
    let bar: ReturnType<typeof progressBar> | undefined;
    let first = 0;
    let covered = 0;
    const result = await materializeStamps(
      db,
      {
        mapping,
        approvalId: flags.approval,
        fromId: flags.fromId,
        toId: flags.toId,
        batchSize: flags.batchSize,
      },
      {
        // Progress over the approved id range: how far the batches have walked it.
        onStart: (job) => {
          first = Number(job.fromId);
          bar = progressBar('stamps (ids walked)', Number(job.toId) - first + 1);
        },
        onBatch: (batch) => {
          covered = Number(batch.throughId ?? first - 1) - first + 1;
          bar?.update(covered);
        },
      },
    );
    bar?.finish(covered);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return EXIT_CODES.completed;
    }
    process.stdout.write(
      `${result.rowsWritten} rows stamped in ${result.batches} batches (rows ${result.fromId} to ${result.toId}, ` +
        `mapping ${result.mappingHash.slice(0, 12)}…, approval ${result.approvalRequestId}${result.resumed ? ', resumed' : ''}); ` +
        'each batch is on the evidence log (topic stamps.materialised)\n',
    );
    return EXIT_CODES.completed;
  });
}
