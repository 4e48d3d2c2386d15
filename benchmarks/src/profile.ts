/** How long each task runs: `--quick` keeps the whole run within a few minutes, the default gives steadier numbers. */
export interface Profile {
  name: 'quick' | 'default';
  /** Interleaved rounds: every implementation runs every task once per round. */
  rounds: number;
  /** tinybench time budget per task and round (ms). */
  time: number;
  /** Minimum timed operations per task and round (sequential tasks). */
  iterations: number;
  warmupTime: number;
  warmupIterations: number;
  /** Order items per bulk-insert operation. */
  bulkRows: number;
  poolSizes: readonly number[];
  /** Operations run outside timing to count statements and rows per operation. */
  countedOperations: number;
  /** Length of each pgbench baseline run (s). */
  pgbenchSeconds: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    rounds: 3,
    time: 50,
    iterations: 2,
    warmupTime: 20,
    warmupIterations: 1,
    bulkRows: 1_000,
    poolSizes: [1, 8, 32],
    countedOperations: 2,
    pgbenchSeconds: 3,
  },
  default: {
    name: 'default',
    rounds: 3,
    time: 500,
    iterations: 3,
    warmupTime: 100,
    warmupIterations: 2,
    bulkRows: 10_000,
    poolSizes: [1, 2, 4, 8, 16, 32],
    countedOperations: 3,
    pgbenchSeconds: 10,
  },
};
