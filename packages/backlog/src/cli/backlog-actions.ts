import { spawn } from 'node:child_process';
import { BirthLaneError, EXIT_CODES } from '@birth-lane/contract';
import { CliError, type CommandHost, progressBar, withDatabase } from '@birth-lane/contract/cli';
import { formatPass } from '../format-pass.js';
import { isMalformedPass, type PassStatus, readPassStatus } from '../pass-status.js';
import { pausePass, resumePass } from '../pause-pass.js';
import { planBacklogPass } from '../plan.js';
import { revokeBacklogApproval } from '../revoke-approval.js';
import { rollbackPass } from '../rollback-pass.js';
import { runWorker } from '../run-worker.js';
import { startPass, verifyScope } from '../start-pass.js';

/** The work of `birth-lane backlog …` (see backlog-command.ts); each returns the exit code. */

const out = (text: string) => process.stdout.write(text);

function exitFor(state: string): number {
  return state === 'done' || state === 'rolled_back' ? EXIT_CODES.completed : EXIT_CODES.stopped;
}

export async function plan(
  host: CommandHost,
  flags: { fromId: string; toId: string; maxRows?: number; reason?: string; json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const span = BigInt(flags.toId) - BigInt(flags.fromId) + 1n;
    const bar = progressBar('measuring scope', Number(span > 0n ? span : 0n));
    const result = await planBacklogPass(
      db,
      { idFrom: flags.fromId, idTo: flags.toId, maxRows: flags.maxRows, reason: flags.reason },
      { onProgress: (through) => bar.update(Number(through - BigInt(flags.fromId) + 1n)) },
    );
    bar.finish();
    if (flags.json) {
      out(`${JSON.stringify(result)}\n`);
      return EXIT_CODES.completed;
    }
    const { counts, scope } = result;
    out(
      `backlog pass plan: ids ${scope.idFrom}..${scope.walkTo}${scope.maxRows ? ` (cap ${scope.maxRows} rows)` : ''}\n`,
    );
    out(
      `  in scope  ${counts.inScope} governed uncertified rows: ${counts.none} none, ${counts.partial} partial, ` +
        `${counts.complete} complete (awaiting certification), ${counts.ambiguous} ambiguous (recorded, never continued)\n`,
    );
    out(`  skipped   ${counts.observed} observed rows (out of inspection scope)\n`);
    out(`  rule set  ${scope.ruleSetVersion} (${scope.ruleSetHash})\n`);
    out(`  checksum  ${scope.idsChecksum} of the in-scope ids up to id ${scope.highestId}\n`);
    out(
      result.estimatedSeconds === null
        ? '  estimate  no measurement yet (no finished run has inspected 1,000 rows)\n'
        : `  estimate  ${Math.round(result.estimatedSeconds)} s at ${Math.round(result.throughput!.rowsPerSecond)} rows/s measured over ${result.throughput!.runs} recent run(s), one worker\n`,
    );
    out(
      `approval request ${result.approvalId} filed (backlog_pass, high risk: 1 president + 2 ai_council, not you).\n` +
        `When it meets quorum: birth-lane backlog run --approval ${result.approvalId}\n`,
    );
    return EXIT_CODES.completed;
  });
}

export async function run(
  host: CommandHost,
  flags: { approval?: string; resume?: string; workers: number; batchSize: number; json?: boolean },
): Promise<number> {
  if ((flags.approval === undefined) === (flags.resume === undefined)) {
    throw new CliError(
      'usage',
      'backlog run: give exactly one of --approval <id> (a new pass) or --resume <run-id>',
    );
  }
  const database = await host.openDatabase({ poolSize: 4 });
  try {
    const db = database.pool;
    let runId: string;
    if (flags.approval !== undefined) {
      runId = await startPass(db, flags.approval);
      process.stderr.write(`backlog pass ${runId} started on approval ${flags.approval}\n`);
    } else {
      runId = flags.resume!;
      await resumePass(db, runId);
    }
    const verified = await verifyScope(db, runId);
    // `return await`: a bare returned promise would let the finally below close the pool under it.
    if (verified.state !== 'running') return await finish(db, runId, flags.json);

    const [first] = await readPassStatus(db, { runId });
    const total = first && !isMalformedPass(first) ? first.inScopeRows : 0;
    const bar = progressBar(`backlog ${runId.slice(0, 8)}`, total);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (flags.workers === 1) {
        let scanned = first && !isMalformedPass(first) ? first.scanned : 0;
        await runWorker(db, runId, {
          batchSize: flags.batchSize,
          signal: stop.signal,
          statementTimeoutMs: host.settings().statementTimeoutMs,
          onBatch: (batch) => {
            scanned += batch.scanned;
            bar.update(scanned);
          },
        });
      } else {
        await runWorkerProcesses(db, runId, flags, stop.signal, (scanned) => bar.update(scanned));
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const [last] = await readPassStatus(db, { runId });
      bar.finish(last && !isMalformedPass(last) ? last.scanned : undefined);
    }
    return await finish(db, runId, flags.json);
  } finally {
    await database.close();
  }
}

/**
 * `--workers N`: N processes of this same command line (`backlog work <run-id>`), each a worker
 * leasing slices; this process only shows progress from the pass's status until they leave.
 */
async function runWorkerProcesses(
  db: Parameters<typeof readPassStatus>[0],
  runId: string,
  flags: { workers: number; batchSize: number },
  signal: AbortSignal,
  onProgress: (scanned: number) => void,
): Promise<void> {
  const script = process.argv[1];
  if (!script)
    throw new CliError('internal', 'cannot find the command line script to start worker processes');
  const children = Array.from({ length: flags.workers }, () =>
    spawn(
      process.execPath,
      [...process.execArgv, script, 'backlog', 'work', runId, '--batch-size', String(flags.batchSize)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: process.env,
      },
    ),
  );
  const exits = children.map(
    (child) => new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code))),
  );
  signal.addEventListener('abort', () => {
    for (const child of children) child.kill('SIGTERM');
  });
  let running = true;
  void Promise.all(exits).then(() => {
    running = false;
  });
  while (running) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [status] = await readPassStatus(db, { runId });
    if (status && !isMalformedPass(status)) onProgress(status.scanned);
  }
  const codes = await Promise.all(exits);
  const failed = codes.filter((code) => code !== 0 && code !== EXIT_CODES.stopped);
  if (failed.length > 0) {
    throw new BirthLaneError(
      'DATABASE_ERROR',
      `${failed.length} of ${children.length} worker processes failed (exit ${failed.join(', ')}); their slices' cursors are intact: birth-lane backlog run --resume ${runId}`,
    );
  }
}

async function finish(
  db: Parameters<typeof readPassStatus>[0],
  runId: string,
  json?: boolean,
): Promise<number> {
  const [status] = await readPassStatus(db, { runId });
  if (!status) throw new CliError('internal', `backlog pass ${runId} vanished`);
  if (json) out(`${JSON.stringify(status)}\n`);
  else {
    out(formatPass(status));
    if (!isMalformedPass(status) && (status.state === 'paused' || status.state === 'running'))
      out(`resume with: birth-lane backlog run --resume ${runId}\n`);
  }
  return isMalformedPass(status) ? EXIT_CODES.failed : exitFor(status.state);
}

export async function work(
  host: CommandHost,
  runId: string,
  flags: { batchSize: number; json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const outcome = await runWorker(db, runId, {
        batchSize: flags.batchSize,
        signal: stop.signal,
        statementTimeoutMs: host.settings().statementTimeoutMs,
      });
      if (flags.json) out(`${JSON.stringify(outcome)}\n`);
      else
        out(
          `worker left pass ${runId} (${outcome.state}${outcome.detail ? `: ${outcome.detail}` : ''}) after ${outcome.batches} batches, ${outcome.taken} rows\n`,
        );
      return outcome.state === 'done' || outcome.state === 'aborted'
        ? EXIT_CODES.completed
        : exitFor(outcome.state);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}

export async function pause(host: CommandHost, runId: string, flags: { json?: boolean }): Promise<number> {
  return withDatabase(host, async (db) => {
    await pausePass(db, runId);
    return finishQuiet(db, runId, flags.json);
  });
}

export async function resume(host: CommandHost, runId: string, flags: { json?: boolean }): Promise<number> {
  return withDatabase(host, async (db) => {
    await resumePass(db, runId);
    const code = await finishQuiet(db, runId, flags.json);
    if (!flags.json) out(`start workers: birth-lane backlog run --resume ${runId} [--workers N]\n`);
    return code;
  });
}

async function finishQuiet(db: Parameters<typeof readPassStatus>[0], runId: string, json?: boolean) {
  const [status] = await readPassStatus(db, { runId });
  if (json) out(`${JSON.stringify(status ?? null)}\n`);
  else if (status) out(formatPass(status));
  return EXIT_CODES.completed;
}

export async function status(
  host: CommandHost,
  runId: string | undefined,
  flags: { json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const passes = await readPassStatus(db, { runId });
    if (flags.json) {
      out(`${JSON.stringify({ passes })}\n`);
      return EXIT_CODES.completed;
    }
    if (passes.length === 0) out(runId ? `no backlog pass ${runId}\n` : 'no backlog pass yet\n');
    for (const pass of passes) out(formatPass(pass));
    return EXIT_CODES.completed;
  });
}

export async function revoke(
  host: CommandHost,
  approvalId: string,
  flags: { reason: string; json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    await revokeBacklogApproval(db, approvalId, flags.reason);
    out(
      flags.json
        ? `${JSON.stringify({ revoked: approvalId })}\n`
        : `approval ${approvalId} revoked; its pass stops before its next batch\n`,
    );
    return EXIT_CODES.completed;
  });
}

export async function rollback(
  host: CommandHost,
  flags: { run: string; approval: string; json?: boolean },
): Promise<number> {
  return withDatabase(host, async (db) => {
    const report = await rollbackPass(db, flags.run, flags.approval);
    if (flags.json) {
      out(`${JSON.stringify(report)}\n`);
      return EXIT_CODES.completed;
    }
    out(
      `rolled back pass ${report.runId}: cleared ${report.cleared.pen} pen, ${report.cleared.stamp} stamp, ${report.cleared.gate} gate stamps on uncertified rows\n`,
    );
    if (report.certifiedKept > 0)
      out(
        `${report.certifiedKept} certified row(s) left untouched (${report.message}): ${report.certifiedRowIds.join(', ')}${report.certifiedKept > report.certifiedRowIds.length ? ', …' : ''}\n`,
      );
    if (report.builtUponKept > 0)
      out(
        `${report.builtUponKept} row(s) left untouched because a later stamp set by someone else rests on the pass's: ${report.builtUponRowIds.join(', ')}\n`,
      );
    out('the report is in the evidence log (note backlog.rolled_back)\n');
    return EXIT_CODES.completed;
  });
}

export type { PassStatus };
