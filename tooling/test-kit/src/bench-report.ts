/** Prints a benchmark's figures as a human table, then as one JSON line (last), for machines. */
export function printBenchReport(title: string, figures: Record<string, string | number | null>): void {
  const width = Math.max(...Object.keys(figures).map((key) => key.length));
  console.log(`\n${title}`);
  console.log('-'.repeat(title.length));
  for (const [key, value] of Object.entries(figures)) {
    const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : String(value);
    console.log(`${key.padEnd(width)}  ${shown}`);
  }
  console.log(JSON.stringify(figures));
}
