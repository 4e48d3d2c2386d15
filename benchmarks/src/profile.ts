/** How long each task runs: `--quick` keeps the whole run within a few minutes, the default gives steadier numbers. */
export interface Profile {
  name: 'quick' | 'default';
  /** Interleaved timed rounds: every implementation runs every task once per round; the unit of replication. */
  rounds: number;
  /** Seed of the balanced order of implementations within rounds (intervals.ts balancedOrder). */
  orderSeed: number;
  /** tinybench time budget per task and round (ms). */
  time: number;
  /** Minimum timed operations per task and round (sequential tasks). */
  iterations: number;
  /** Length of the untimed warm-up round (ms per task). */
  warmupTime: number;
  /** tinybench warm-up before each timed round (ms): the warm-up round has warmed the code already. */
  roundWarmupTime: number;
  warmupIterations: number;
  /** Order items per bulk-insert operation (multi-row methods). */
  bulkRows: number;
  /** Order items per one-INSERT-per-row `loop` operation: its cost is linear in rows, so rows/s is the same. */
  loopRows: number;
  poolSizes: readonly number[];
  /** Operations run outside timing to count statements and rows per operation. */
  countedOperations: number;
  /** Length of each pgbench baseline run (s). */
  pgbenchSeconds: number;
}

export const PROFILES: Record<Profile['name'], Profile> = {
  quick: {
    name: 'quick',
    rounds: 5,
    orderSeed: 0x0bde,
    time: 30,
    iterations: 2,
    warmupTime: 20,
    roundWarmupTime: 5,
    warmupIterations: 1,
    bulkRows: 1_000,
    loopRows: 200,
    poolSizes: [1, 8, 32],
    countedOperations: 2,
    pgbenchSeconds: 3,
  },
  default: {
    name: 'default',
    rounds: 10,
    orderSeed: 0x0bde,
    time: 60,
    iterations: 2,
    warmupTime: 50,
    roundWarmupTime: 10,
    warmupIterations: 2,
    bulkRows: 10_000,
    loopRows: 1_000,
    poolSizes: [1, 2, 4, 8, 16, 32],
    countedOperations: 3,
    pgbenchSeconds: 10,
  },
};
