/**
 * A one-line progress bar on stderr for long work; silent when stderr is not a terminal (CI,
 * pipes), where a final summary line is printed instead.
 */
export function progressBar(
  label: string,
  total: number,
): { update(done: number): void; finish(done?: number): void } {
  const interactive = process.stderr.isTTY === true;
  const started = performance.now();
  let last = 0;
  const render = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const rate = done / Math.max(0.001, (performance.now() - started) / 1000);
    // The time left at the rate so far: what a person watching a long pass wants to know.
    const eta = done < total && rate > 0 ? `, ETA ${formatEta((total - done) / rate)}` : '';
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} rows, ${Math.round(rate).toLocaleString('en')} rows/s${eta}`;
  };
  return {
    update(done) {
      if (!interactive || performance.now() - last < 100) return;
      last = performance.now();
      process.stderr.write(`\r${render(done)}`);
    },
    /** The last line shows what was really done (a stopped run ends short of the total). */
    finish(done = total) {
      process.stderr.write(`${interactive ? '\r\x1b[K' : ''}${render(done)}\n`);
    },
  };
}

function formatEta(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
