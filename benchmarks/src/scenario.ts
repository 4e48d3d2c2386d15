import type { ShopRepository } from '@dal/core';
import type { Scale } from '@dal/db';
import type { BenchDatabase } from './database';
import type { Implementation } from './implementations';
import type { Phase } from './measure';
import type { Profile } from './profile';
import type { ScenarioId } from './scenarios/ids';

/** What a scenario may use to build its tasks. */
export interface ScenarioContext {
  db: BenchDatabase;
  scale: Scale;
  profile: Profile;
  /** Pool size of every implementation's repository (--pool). */
  poolSize: number;
  /**
   * Where the libraries connect: the benchmark database, through the latency proxy when there is one; during
   * the count phase through the SQL tap. Read it when opening a repository, not once in cases().
   */
  readonly libraryUrl: string;
  /** The server's max_connections minus the connections already in use. */
  freeConnections: number;
  /** Implementations taking part in the run (raw pg included). */
  implementations: number;
}

/** An implementation within a scenario: its repository (pool --pool) is opened for the whole scenario. */
export interface ScenarioImplementation extends Implementation {
  readonly repo: ShopRepository;
}

/** One timed operation of one implementation in one case. */
export interface TaskSpec {
  /** The operation that is timed, called repeatedly (by `concurrency` callers at once when > 1). */
  run: () => Promise<unknown>;
  /** The output compared with raw pg's for the same input before anything is timed. */
  check: () => Promise<unknown>;
  /** Closed-loop callers (default 1). */
  concurrency?: number;
  /** Called before every timed phase, verification and count (round 0 = outside the rounds). */
  open?: (round: number) => Promise<void>;
  /** Called after each of them. */
  close?: () => Promise<void>;
  /**
   * Opens what the task's phases share (e.g. a warmed pool), before `open`: around every verification, count
   * and round, or once for the case's warm-up and timed rounds together where `hold` is set.
   */
  acquire?: () => Promise<void>;
  /** Closes what `acquire` opened, after `close`; returns what it observed (merged like afterRun's). */
  release?: () => Promise<Record<string, Observation> | undefined>;
  /**
   * Keeps what `acquire` opened from the case's warm-up round to its last timed round, in a scenario that runs
   * `caseByCase` (elsewhere it is ignored): opening a warmed pool of 32 connections costs about 0.7 s here.
   */
  hold?: boolean;
  /** Called after every timed operation, outside the timing (e.g. to delete the rows it wrote). */
  afterEach?: () => Promise<void>;
  /**
   * Called after each timed phase (and `close`), with the operations completed in it, warm-up included;
   * returns what it observed, e.g. an invariant checked. Throwing stops the run.
   */
  afterRun?: (operations: number) => Promise<Record<string, Observation>>;
  /** Minimum timed operations per round (overrides the profile, e.g. 1 for a slow bulk insert). */
  iterations?: number;
  /** Operations counted outside timing for statements per operation (overrides the profile). */
  countedOperations?: number;
  /**
   * Times a round itself instead of tinybench (an external load generator: pgbench), for about `timeMs`.
   * Such a task is a baseline, not an implementation: its check only has to succeed, and it is not counted.
   */
  phase?: (round: number, timeMs: number) => Promise<Phase>;
  /**
   * Why statements per operation inside the timed rounds may differ from the count phase (e.g. retries under
   * contention); without it a difference of more than 1% stops the run.
   */
  statementsVary?: string;
}

/** A value a task observed in one round: counts add up over the rounds, peaks keep the highest, text the last. */
export type Observation = { sum: number } | { max: number } | string;

/** A row group of a scenario's table: one variant (strategy, depth, method, pool size...). */
export interface BenchCase {
  /** Unique within the scenario, e.g. "naive", "keyset/100", "pool 8". */
  id: string;
  /** The case's columns in the report, e.g. { strategy: 'naive' } or { method: 'keyset', depth: 100 }. */
  labels: Record<string, string | number>;
  /** Units per operation for a rate column (e.g. rows per bulk insert -> rows/s). */
  unitsPerOp?: number;
  /** The task of `impl`, or null when the implementation does not offer this variant. */
  task(impl: ScenarioImplementation): TaskSpec | null;
  /** Tasks of the case that are no implementation (pgbench), timed in the same rounds after raw pg's. */
  baselines?: () => Array<{ impl: string; spec: TaskSpec }>;
}

/**
 * roundTimeFactor of the single-caller read scenarios (n-plus-one, point-read, pagination): rounds of 120 ms.
 * Rounds of 60 ms gave × pg intervals of ±23% median half-width and 45% of ratios agreeing within 10% between two
 * back-to-back runs (Node's GC and the shared machine's noise land in whichever task runs); 240 ms gave ±18% and
 * 78%, and 180 ms ±18–33% by scenario in a full run, which then took 20 min 11 s: past 120 ms a round buys little
 * and the full run must fit in 20 minutes (benchmarks/README.md, Method).
 */
export const SINGLE_CALLER_ROUND_TIME = 2;

/**
 * warmUpFactor of the single-caller read scenarios: a warm-up round of 2 × 300 ms per task (tinybench's warm-up
 * and an untimed run) in the default profile. With 2 × 50 ms, two back-to-back runs' rounds 1–4 ran at 0.78–0.96
 * of the throughput of their later rounds, averaged over every row (round 1: 0.78–0.91 by scenario), and
 * reached it from round 5: V8 was still optimising the libraries' code and sizing its young generation (the
 * ORMs' share of time in calls over 1 ms fell round by round, e.g. Kysely's point read 19–26% of the time in
 * rounds 1–3, 1–6% after). With 2 × 300 ms pagination's rounds were level from round 1 and the × pg intervals
 * narrowed from ±14–15% to ±10–11% (median half-width). 2 × 600 ms bought nothing more (±10.6–11.1%, and
 * point-read's and n-plus-one's first rounds still 0.85–0.95 of their later ones) for 80 s more per run of the
 * three scenarios.
 */
export const SINGLE_CALLER_WARM_UP = 6;

/**
 * roundsFactor of the single-caller read scenarios: 15 rounds in the default profile (8 with `--quick`). With
 * 10, two back-to-back runs of the three had × pg intervals of ±9–12% median half-width; with 15, ±5.3% and
 * ±5.6%, 111 of 116 ratios agreeing within 10% (3 December, a clean clone patched to 15 rounds). Each round of
 * the three costs about 20 s of a default run (benchmarks/README.md, Method).
 */
export const SINGLE_CALLER_ROUND_COUNT = 1.5;

/** What the single-caller read scenarios (n-plus-one, point-read, pagination) run differently: the three factors above. */
export const SINGLE_CALLER_READ = {
  roundsFactor: SINGLE_CALLER_ROUND_COUNT,
  roundTimeFactor: SINGLE_CALLER_ROUND_TIME,
  warmUpFactor: SINGLE_CALLER_WARM_UP,
} satisfies Partial<Scenario>;

/** Timed rounds per task of `scenario` under `profile`. */
export const roundCount = (scenario: Scenario, profile: Profile): number =>
  Math.round(profile.rounds * (scenario.roundsFactor ?? 1));

/** `profile` as `scenario` runs it: its own number of rounds (what its inputs and verification cover). */
export const scenarioProfile = (scenario: Scenario, profile: Profile): Profile => ({
  ...profile,
  rounds: roundCount(scenario, profile),
});

/** Untimed milliseconds per task of `scenario`'s warm-up round under `profile`. */
export const warmUpTime = (scenario: Scenario, profile: Profile): number =>
  profile.warmupTime * (scenario.warmUpFactor ?? 1);

/** Timed milliseconds per task and round of `scenario` under `profile`. */
export const roundTime = (scenario: Scenario, profile: Profile): number =>
  profile.time * (scenario.roundTimeFactor ?? 1);

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** One sentence: what the scenario measures (README, report). */
  measures: string;
  /** Label columns of the report, in order. */
  columns: readonly string[];
  /** Name of the rate column when cases have `unitsPerOp` (e.g. "rows/s"). */
  unitRate?: string;
  /** Writes to the database: it is reset to the seeded state before each verification and after each phase. */
  writes: boolean;
  /** Opens no shared repository per implementation (its tasks open their own). */
  ownRepositories?: boolean;
  /**
   * Runs all rounds of one case before the next case (default: round by round over all cases), so that tasks
   * can `hold` their pools across the case's rounds without every case's pools open at once.
   */
  caseByCase?: boolean;
  /** Runs this many times the profile's rounds, rounded (default 1). */
  roundsFactor?: number;
  /** Each timed round lasts this many times the profile's `time` (default 1). */
  roundTimeFactor?: number;
  /** The untimed warm-up round lasts this many times the profile's `warmupTime` per task (default 1). */
  warmUpFactor?: number;
  cases(ctx: ScenarioContext): Promise<BenchCase[]>;
}

/**
 * A pooling row of the closed loop at one pool size, where every caller calls again as soon as its last call
 * returned: not the connect-per-operation baseline, not the staggered-arrival case (runs before that case
 * existed have no `arrivals` label).
 */
export const isPoolSizeRow = (r: { labels: Record<string, string | number> }): boolean =>
  typeof r.labels.pool === 'number' && !String(r.labels.arrivals ?? 'together').startsWith('staggered');
