const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `abort` (which must be synchronous) if the process is interrupted or exits before the
 * normal teardown ran. Vitest answers Ctrl+C by exiting within a millisecond without running
 * global teardown, so only synchronous work is sure to happen. Returns the function that
 * removes the hooks, for the normal teardown.
 */
export function onAbnormalExit(abort: () => void): () => void {
  const onExit = () => {
    remove();
    abort();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    abort();
    // Listening to a signal turns off Node's default (exit). If nobody else handles it, raise it
    // again so the process still ends the way the user asked.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const remove = () => {
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return remove;
}
