/** The pg-boss queue of id-range jobs that `birth-lane worker` processes (its own file: `--help` must not load pg-boss). */
export const RUN_QUEUE = 'birth-lane-runs';
