/**
 * SIGINT and SIGTERM for every command: the first one asks the command to stop after its batch in
 * flight (commands watch `stopRequested`); the command then writes what it must (the run report)
 * and exits with its own code, 3 when it stopped early. A second Ctrl-C means "now": the process
 * exits 130 at once. A second SIGTERM does not (systemd and Kubernetes send one to every process
 * of the group), so a graceful stop is never cut short by the supervisor's own repetition.
 */
const controller = new AbortController();
export const stopRequested: AbortSignal = controller.signal;

let installed = false;
export function installSignalHandlers(onForcedExit: () => void): void {
  if (installed) return;
  installed = true;
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT') interrupts += 1;
    if (!controller.signal.aborted) {
      controller.abort(signal);
      if (process.stderr.isTTY)
        process.stderr.write(
          `\nbirth-lane: ${signal}: stopping after the batch in flight (Ctrl-C again to stop at once)\n`,
        );
      return;
    }
    if (interrupts >= 2) {
      process.stderr.write('birth-lane: stopped at once; the batch in flight is rolled back\n');
      onForcedExit();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Resolves when a stop is requested; for commands that wait for one (standing channels). */
export function untilStopRequested(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    if (stopRequested.aborted) resolve(stopRequested.reason as NodeJS.Signals);
    else stopRequested.addEventListener('abort', () => resolve(stopRequested.reason as NodeJS.Signals));
  });
}
