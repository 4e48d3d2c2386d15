import { isDeepStrictEqual } from 'node:util';
import type { ShopRepository } from '@dal/core';
import type { StatementCount, StatementCounter } from '@dal/db';
import { type CpuSources, cpuMeter } from './cpu';
import type { BenchDatabase } from './database';
import { BenchmarkError, messageOf } from './errors';
import { type Implementation, openRepository } from './implementations';
import { balancedOrder, type Interval, medianInterval, ratioInterval, roundOpsPerSec } from './intervals';
import type { loadedRoundTrip } from './latency-proxy';
import { measure, type Phase } from './measure';
import { planFlags } from './plan-shape';
import { explainStatement, MAX_PLANS_PER_OPERATION, notPlanned, type StatementPlan } from './plans';
import type { Profile } from './profile';
import { REFERENCE_ID } from './registry';
import {
  type BenchCase,
  type Observation,
  roundTime,
  type Scenario,
  type ScenarioContext,
  type ScenarioImplementation,
  scenarioProfile,
  type TaskSpec,
  warmUpTime,
} from './scenario';
import { type Stats, summarize } from './stats';
import { firstDifference } from './verify';
import type { SqlTap } from './wire-sql';

/** Statements and rows per operation as the database counted them, and the distinct SQL it saw. */
export interface Counts {
  statementsPerOp: number;
  rowsPerOp: number;
  queries: Array<{ query: string; callsPerOp: number; rowsPerOp: number }>;
  /**
   * The distinct SQL texts the library sent (Parse and simple Query messages on the wire), with how often
   * per operation (a named statement is parsed once per connection); null without the tap.
   */
  sql?: SqlSent[] | null;
  /** How this operation's plans differ in shape from raw pg's for the same case (plan-shape.ts); absent on pg. */
  planFlags?: string[];
}

/** One distinct SQL text an operation sent, and its plan (count phase, plans.ts). */
export interface SqlSent {
  text: string;
  /** Parse and Query messages per operation. */
  sentPerOp: number;
  /** Executions (Bind and Query messages) per operation. */
  executedPerOp?: number;
  /** null: not a statement EXPLAIN takes, or past MAX_PLANS_PER_OPERATION; absent in runs before plans. */
  plan?: StatementPlan | null;
}

export interface CaseResult {
  scenario: string;
  case: string;
  labels: Record<string, string | number>;
  impl: string;
  concurrency: number;
  /** Latency of the samples of every round, pooled (a description; p99 only from 100 samples). */
  stats: Stats;
  /** Ops/s of each timed round, in round order. */
  roundOpsPerSec: number[];
  /** Median of roundOpsPerSec: the published throughput. */
  opsPerSec: number;
  /** 95% percentile-bootstrap interval of that median (intervals.ts). */
  opsPerSecInterval: Interval;
  /** Units per second (e.g. rows/s) at opsPerSec, for cases with unitsPerOp. */
  rate: number | null;
  /**
   * Median over rounds of raw pg's ops/s ÷ this row's in the same round: 1 = as fast as raw pg, 2 = half its
   * throughput. null on raw pg's own rows.
   */
  ratio: number | null;
  ratioInterval: Interval | null;
  /** null where the server has no pg_stat_statements. */
  counts: Counts | null;
  /** Statements per operation the database executed inside the timed rounds (null where not counted). */
  statementsPerOpInRounds: number | null;
  /** What the task observed after its rounds (e.g. retries, invariant). */
  observed: Record<string, number | string>;
  rounds: Phase[];
}

export interface ScenarioReport {
  scenario: Scenario;
  cases: BenchCase[];
  results: CaseResult[];
  /** Where the scenario's wall time went (seconds), so the cost of what is not timed is on record. */
  seconds?: ScenarioParts;
}

/** The parts of a scenario's wall time its own process sees (all but the total, which the parent measures). */
export type ScenarioParts = Omit<ScenarioSeconds, 'total'>;

/** A scenario's wall time by part (s): `timed` is the sum of the timed rounds' measured parts. */
export interface ScenarioSeconds {
  /** The whole scenario, from the parent's side: its process' start-up and the settling after it included. */
  total: number;
  verify: number;
  /** The count phase: statements, rows and plans. */
  count: number;
  /** The warm-up round. */
  warmUp: number;
  /** The timed rounds, with their opening, closing, resets and round warm-ups. */
  rounds: number;
  /** Inside the timed rounds: the measured parts only. */
  timed: number;
}

export interface RunSetup {
  scenarios: readonly Scenario[];
  impls: readonly Implementation[];
  db: BenchDatabase;
  profile: Profile;
  poolSize: number;
  libraryUrl: string;
  freeConnections: number;
  counter: StatementCounter | null;
  progress: { task(label: string): void; advance(units: number): void };
  signal: AbortSignal;
  /** Processes whose CPU time each timed round records (cpu.ts); absent: the harness's own only. */
  cpu?: CpuSources;
  /** Lists the SQL sent in the count phase (wire-sql.ts); the libraries connect through it only then. */
  sqlTap?: SqlTap;
  /** With --latency: measures the round trip added through the proxy while the scenario's rounds run. */
  latencyProbe?: ReturnType<typeof loadedRoundTrip>;
}

/** Estimated milliseconds of the steps, for the progress estimate. */
const VERIFY_UNITS = 100;
const COUNT_UNITS = 100;
const OVERHEAD_UNITS = 60;

interface Planned {
  scenario: Scenario;
  /** The profile as this scenario runs it (scenarioProfile: its own number of rounds). */
  profile: Profile;
  handles: Map<string, ScenarioImplementation & { open(): Promise<void>; close(): Promise<void> }>;
  cases: Array<{ benchCase: BenchCase; tasks: Array<{ impl: string; spec: TaskSpec }> }>;
}

function handle(impl: Implementation, url: () => string, poolSize: number) {
  let repo: ShopRepository | undefined;
  return {
    ...impl,
    get repo(): ShopRepository {
      if (!repo) throw new Error(`${impl.id}: the scenario's repository is not open`);
      return repo;
    },
    async open() {
      repo = await openRepository(impl, url(), poolSize);
    },
    async close() {
      await repo?.close();
      repo = undefined;
    },
  };
}

function failure(impl: string, where: string, error: unknown): Error {
  if (error instanceof BenchmarkError) return error;
  return new BenchmarkError(`${impl}: ${where} failed: ${messageOf(error)}`);
}

export async function planScenarios(setup: RunSetup, ctx: ScenarioContext): Promise<Planned[]> {
  const plans: Planned[] = [];
  for (const scenario of setup.scenarios) {
    const handles = new Map(
      setup.impls.map((i) => [i.id, handle(i, () => setup.libraryUrl, setup.poolSize)]),
    );
    // its inputs and verification cover the rounds it runs (roundCount)
    const profile = scenarioProfile(scenario, ctx.profile);
    const cases = (await scenario.cases({ ...ctx, profile })).map((benchCase) => {
      const tasks = setup.impls.flatMap((impl) => {
        const spec = benchCase.task(handles.get(impl.id)!);
        return spec ? [{ impl: impl.id, spec }] : [];
      });
      const baselines = tasks[0]?.impl === REFERENCE_ID ? (benchCase.baselines?.() ?? []) : [];
      return { benchCase, tasks: tasks[0]?.impl === REFERENCE_ID ? [...tasks, ...baselines] : [] };
    });
    plans.push({ scenario, profile, handles, cases: cases.filter((c) => c.tasks.length > 0) });
  }
  return plans;
}

const roundUnits = (scenario: Scenario, profile: Profile) =>
  roundTime(scenario, profile) + profile.roundWarmupTime + OVERHEAD_UNITS;

/** The warm-up round of one task: tinybench's warm-up and an untimed run, each warmUpTime long. */
const warmUpUnits = (scenario: Scenario, profile: Profile) =>
  2 * warmUpTime(scenario, profile) + OVERHEAD_UNITS;

export function plannedUnits(plans: Planned[], counting: boolean): number {
  let units = 0;
  for (const { scenario, profile, cases } of plans) {
    for (const c of cases) {
      const n = c.tasks.length;
      units += n * (VERIFY_UNITS + (counting ? COUNT_UNITS : 0));
      units += n * profile.rounds * roundUnits(scenario, profile);
      // the warm-up round (slow tasks skip it)
      units += c.tasks.filter((t) => t.spec.iterations === undefined).length * warmUpUnits(scenario, profile);
    }
  }
  return units;
}

/**
 * Runs `fn` inside the task's acquire, open, close and release; `held`: what acquire opens is already open and
 * stays open (the caller acquires and releases it). Calls `released` with what release observed.
 */
export async function withTask<T>(
  spec: TaskSpec,
  round: number,
  fn: () => Promise<T>,
  { held = false, released }: { held?: boolean; released?: (seen: Record<string, Observation>) => void } = {},
): Promise<T> {
  if (!held) await spec.acquire?.();
  try {
    await spec.open?.(round);
    try {
      return await fn();
    } finally {
      await spec.close?.();
    }
  } finally {
    if (!held) {
      // not `released?.(await spec.release())`: an optional call skips evaluating its arguments too
      const seen = (await spec.release?.()) ?? {};
      released?.(seen);
    }
  }
}

/**
 * The order of (case, round) turns: round by round over all cases, or all rounds of one case before the next
 * (Scenario.caseByCase). Round 0 is the warm-up round.
 */
export function turns(cases: number, rounds: number, caseByCase: boolean): Array<[number, number]> {
  const all: Array<[number, number]> = [];
  for (let outer = 0; outer < (caseByCase ? cases : rounds + 1); outer++) {
    for (let inner = 0; inner < (caseByCase ? rounds + 1 : cases); inner++) {
      all.push(caseByCase ? [outer, inner] : [inner, outer]);
    }
  }
  return all;
}

/** Runs every implementation's check and compares it with raw pg's; throws on the first difference. */
async function verify(setup: RunSetup, plan: Planned): Promise<void> {
  const { scenario } = plan;
  for (const { benchCase, tasks } of plan.cases) {
    let expected: unknown;
    for (const [index, { impl, spec }] of tasks.entries()) {
      setup.progress.task(`${scenario.id} ${benchCase.id}: verifying ${impl}`);
      if (setup.signal.aborted) throw new Error('interrupted');
      if (scenario.writes) await setup.db.reset();
      let output: unknown;
      try {
        output = await withTask(spec, 0, spec.check);
      } catch (error) {
        throw failure(impl, `${scenario.id} ${benchCase.id} (verification)`, error);
      }
      if (scenario.writes) await setup.db.reset();
      if (spec.phase) {
        // a baseline (pgbench) returns no data to compare: that its check ran is what is verified
        setup.progress.advance(VERIFY_UNITS);
        continue;
      }
      if (index === 0) expected = output;
      else if (!isDeepStrictEqual(output, expected)) {
        throw new BenchmarkError(
          `${impl}: ${scenario.id} ${benchCase.id} returned other data than raw pg for the same input, so nothing is timed.\n  first difference at ${firstDifference(expected, output)}`,
        );
      }
      setup.progress.advance(VERIFY_UNITS);
    }
  }
}

/** Statements and rows per operation, counted by pg_stat_statements over a few untimed operations. */
async function count(setup: RunSetup, plan: Planned): Promise<Map<string, Counts>> {
  const counts = new Map<string, Counts>();
  const counter = setup.counter;
  if (!counter) return counts;
  // the libraries connect through the SQL tap for the count phase only: shared repositories are reopened
  const tap = setup.sqlTap;
  const route = setup.libraryUrl;
  const shared = plan.scenario.ownRepositories ? [] : [...plan.handles.values()];
  if (tap) {
    for (const h of shared) await h.close();
    setup.libraryUrl = tap.url;
    for (const h of shared) await h.open();
  }
  try {
    await countTasks(setup, plan, counter, counts);
    for (const { benchCase, tasks } of plan.cases) {
      const reference = counts.get(`${benchCase.id}\u0000${REFERENCE_ID}`);
      for (const { impl } of tasks) {
        const counted = counts.get(`${benchCase.id}\u0000${impl}`);
        if (reference && counted && impl !== REFERENCE_ID) counted.planFlags = planFlags(counted, reference);
      }
    }
  } finally {
    if (tap) {
      for (const h of shared) await h.close().catch(() => {});
      setup.libraryUrl = route;
      for (const h of shared) await h.open();
    }
  }
  return counts;
}

async function countTasks(
  setup: RunSetup,
  plan: Planned,
  counter: StatementCounter,
  counts: Map<string, Counts>,
): Promise<void> {
  const tap = setup.sqlTap;
  for (const { benchCase, tasks } of plan.cases) {
    for (const { impl, spec } of tasks) {
      if (spec.phase) continue;
      setup.progress.task(`${plan.scenario.id} ${benchCase.id}: counting statements of ${impl}`);
      const perCaller = spec.countedOperations ?? setup.profile.countedOperations;
      // concurrent callers are counted concurrently too: a library may merge their statements (Prisma batches
      // findUnique calls of one tick into one IN query), which sequential operations would never show
      const callers = spec.afterEach ? 1 : (spec.concurrency ?? 1);
      const n = perCaller * callers;
      const parts: StatementCount[] = [];
      // the tap sees the libraries' connections only (the harness's clean-up goes direct), from the task's
      // opening on: a named statement is parsed once per connection, in the first operation
      tap?.clear();
      try {
        await withTask(spec, 0, async () => {
          // one operation (one a caller) first, so connection set-up is not counted as the operation's
          await Promise.all(Array.from({ length: callers }, () => spec.run()));
          await spec.afterEach?.();
          await counter.reset();
          if (callers > 1) {
            await Promise.all(
              Array.from({ length: callers }, async () => {
                for (let i = 0; i < perCaller; i++) await spec.run();
              }),
            );
          }
          for (let i = 0; callers === 1 && i < n; i++) {
            await spec.run();
            if (spec.afterEach) {
              // the clean-up's own statements are not the operation's: read before it, reset after it
              parts.push(await counter.read());
              await spec.afterEach();
              await counter.reset();
            }
          }
          parts.push(await counter.read());
        });
      } catch (error) {
        throw failure(impl, `${plan.scenario.id} ${benchCase.id} (statement count)`, error);
      }
      const wireSql = tap?.distinct() ?? [];
      setup.progress.task(`${plan.scenario.id} ${benchCase.id}: planning the statements of ${impl}`);
      const plans: Array<StatementPlan | null> = [];
      for (const [i, statement] of wireSql.entries()) {
        // still before the reset: reads see the data the operation saw, writes are rolled back
        plans.push(
          i < MAX_PLANS_PER_OPERATION
            ? await explainStatement(setup.db.pool, statement)
            : notPlanned(statement),
        );
      }
      const queries = new Map<string, { calls: number; rows: number }>();
      for (const part of parts) {
        for (const q of part.queries) {
          const seen = queries.get(q.query) ?? { calls: 0, rows: 0 };
          queries.set(q.query, { calls: seen.calls + q.calls, rows: seen.rows + q.rows });
        }
      }
      const all = [...queries.entries()]
        .map(([query, q]) => ({ query, callsPerOp: q.calls / n, rowsPerOp: q.rows / n }))
        .sort((a, b) => b.callsPerOp - a.callsPerOp || a.query.localeCompare(b.query));
      counts.set(`${benchCase.id}\u0000${impl}`, {
        statementsPerOp: all.reduce((s, q) => s + q.callsPerOp, 0),
        rowsPerOp: all.reduce((s, q) => s + q.rowsPerOp, 0),
        queries: all,
        // (a scenario that kept the URL from before the count phase bypasses the tap: the server's texts then)
        sql: wireSql.length
          ? wireSql.map(({ text, sent, executed }, i) => ({
              text,
              sentPerOp: sent / (n + callers),
              executedPerOp: executed / (n + callers),
              plan: plans[i],
            }))
          : null,
      });
      if (plan.scenario.writes) await setup.db.reset();
      setup.progress.advance(COUNT_UNITS);
    }
  }
}

function merge(into: Record<string, number | string>, from: Record<string, Observation>) {
  for (const [key, value] of Object.entries(from)) {
    const prior = into[key];
    if (typeof value === 'string') into[key] = value;
    else if ('sum' in value) into[key] = (typeof prior === 'number' ? prior : 0) + value.sum;
    else into[key] = Math.max(typeof prior === 'number' ? prior : 0, value.max);
  }
}

/**
 * Concurrent callers that got fewer statements than calls: the library merged simultaneous calls into one
 * statement (Prisma's findUnique batching). Labelled (`merged: "1/64 statements"`) and kept out of rankings of
 * pool overhead: it measures the merge, not the pool.
 */
export function mergedCalls(concurrency: number, counted: Counts | null): { merged?: string } {
  if (concurrency <= 1 || !counted || counted.statementsPerOp <= 0 || counted.statementsPerOp >= 0.95)
    return {};
  return { merged: `1/${Math.round(1 / counted.statementsPerOp)} statements` };
}

/** Statements per operation over the timed rounds (warm-up calls included), or null where not counted. */
export function statementsInRounds(rounds: readonly Phase[]): number | null {
  const counted = rounds.filter((p) => p.statements !== undefined);
  if (counted.length === 0) return null;
  const ops = counted.reduce((n, p) => n + p.completed, 0);
  return ops > 0 ? counted.reduce((n, p) => n + p.statements!, 0) / ops : null;
}

/** Statements per operation inside the rounds may differ this much (relative) from the count phase. */
export const STATEMENTS_TOLERANCE = 0.01;

/** A result whose calls were merged (see mergedCalls). */
export const isMerged = (r: { observed: Record<string, number | string> }) => r.observed.merged !== undefined;

async function time(
  setup: RunSetup,
  plan: Planned,
  counts: Map<string, Counts>,
  seconds: { warmUp: number; rounds: number },
): Promise<CaseResult[]> {
  const { scenario, profile } = plan;
  const phases = new Map<string, Phase[]>();
  const observed = new Map<string, Record<string, number | string>>();
  // Round 0 warms up and is thrown away: the scenario's process is new, and whichever task ran first
  // would otherwise pay for V8 compiling the code every library shares (node-postgres).
  const warmUpMs = warmUpTime(scenario, profile);
  const warmUp: Profile = { ...profile, time: warmUpMs, warmupTime: warmUpMs, iterations: 1 };
  // a round's own warm-up refreshes what the other implementations' turns evicted: its time, or one call of a
  // task slower than that (two calls of an OFFSET page 10,000 were a quarter of the run's pagination time)
  const timed: Profile = {
    ...profile,
    time: roundTime(scenario, profile),
    warmupTime: profile.roundWarmupTime,
    warmupIterations: 1,
  };
  // A slow task (one that sets its own minimum of timed calls, e.g. a 10,000-row insert) has been called by
  // its verification and its count by then: it skips the warm-up round, and its rounds time it without a
  // warm-up call of their own (one call of it lasts longer than a whole round of the others).
  const warmed: Profile = { ...timed, warmupTime: 0, warmupIterations: 0 };
  // a held task's pool stays open from its case's first turn to its last (Scenario.caseByCase, TaskSpec.hold)
  const holding = (spec: TaskSpec) => Boolean(scenario.caseByCase && spec.hold);
  const keep = (key: string, seen: Record<string, Observation> | undefined) =>
    merge((observed.get(key) ?? observed.set(key, {}).get(key))!, seen ?? {});
  const held = new Map<TaskSpec, { key: string; impl: string; where: string }>();
  const releaseHeld = async (specs: readonly TaskSpec[]) => {
    for (const spec of specs) {
      const task = held.get(spec);
      if (!task) continue;
      held.delete(spec);
      try {
        keep(task.key, await spec.release?.());
      } catch (error) {
        throw failure(task.impl, `${task.where} (closing after the last round)`, error);
      }
    }
  };
  try {
    for (const [caseIndex, round] of turns(plan.cases.length, profile.rounds, Boolean(scenario.caseByCase))) {
      const { benchCase, tasks } = plan.cases[caseIndex]!;
      const turnBegan = performance.now();
      // the warm-up round runs in round 1's order
      for (const { impl, spec } of balancedOrder(tasks, Math.max(1, round), profile.orderSeed, caseIndex)) {
        if (setup.signal.aborted) throw new Error('interrupted');
        if (round === 0 && spec.iterations !== undefined) continue;
        setup.progress.task(
          round === 0
            ? `${scenario.id} ${benchCase.id}: ${impl}, warm-up round`
            : `${scenario.id} ${benchCase.id}: ${impl}, round ${round}/${profile.rounds}`,
        );
        const key = `${benchCase.id}\u0000${impl}`;
        let phase: Phase;
        try {
          if (holding(spec) && !held.has(spec)) {
            await spec.acquire?.();
            held.set(spec, { key, impl, where: `${scenario.id} ${benchCase.id}` });
          }
          const budget = round === 0 ? warmUp : spec.iterations === undefined ? timed : warmed;
          phase = await withTask(
            spec,
            round,
            async () => {
              const probe = round > 0 && spec.concurrency !== undefined ? setup.latencyProbe : undefined;
              probe?.start();
              // statements of the timed calls, compared with the count phase below (not where the clean-up after
              // each call runs inside the phase, nor for pgbench). Counted from the end of the round's warm-up:
              // a pool that closed its idle connection while the other implementations had their turns (pg.Pool
              // and sequelize-pool after 10 s) reconnects in the warm-up, and Sequelize then sends SET TIME ZONE
              // (a --latency 1 run stopped at 4.127 statements per operation in the rounds against 4.000 counted)
              const counting = round > 0 && setup.counter && !spec.phase && !spec.afterEach;
              const meter = cpuMeter(setup.cpu ?? { serverPid: null, proxyPid: null });
              const measured = spec.phase
                ? await spec.phase(round, budget.time)
                : await measure(
                    spec,
                    budget,
                    setup.signal,
                    counting ? () => setup.counter!.reset() : undefined,
                  );
              measured.cpu = meter();
              if (counting) measured.statements = await setup.counter!.executed();
              const added = await probe?.stop();
              if (added) measured.proxyRoundTrip = added;
              return measured;
            },
            {
              held: held.has(spec),
              released: (seen) => {
                if (round > 0) keep(key, seen);
              },
            },
          );
          // the warm-up round's observations are checked (an invariant that breaks stops the run), not kept
          const seen = (await spec.afterRun?.(phase.total)) ?? {};
          if (round > 0) keep(key, seen);
        } catch (error) {
          if (setup.signal.aborted) throw new Error('interrupted');
          throw failure(impl, `${scenario.id} ${benchCase.id} (round ${round})`, error);
        }
        if (scenario.writes) await setup.db.reset();
        if (round === 0) {
          setup.progress.advance(warmUpUnits(scenario, profile));
          continue;
        }
        (phases.get(key) ?? phases.set(key, []).get(key))!.push(phase);
        setup.progress.advance(roundUnits(scenario, profile));
      }
      if (round === profile.rounds) await releaseHeld(tasks.map((t) => t.spec));
      seconds[round === 0 ? 'warmUp' : 'rounds'] += (performance.now() - turnBegan) / 1000;
    }
  } finally {
    // after a failure: close what is still held, keeping the first error
    for (const spec of held.keys()) await spec.release?.().catch(() => {});
  }
  const results: CaseResult[] = [];
  for (const { benchCase, tasks } of plan.cases) {
    let reference: number[] | null = null;
    for (const { impl, spec } of tasks) {
      const key = `${benchCase.id}\u0000${impl}`;
      const rounds = phases.get(key) ?? [];
      const concurrency = spec.concurrency ?? 1;
      const stats = summarize(rounds.flatMap((p) => p.samples));
      const perRound = rounds.map((p) => roundOpsPerSec(p, concurrency));
      const ops = medianInterval(perRound);
      if (impl === REFERENCE_ID) reference = perRound;
      const ratio = reference && impl !== REFERENCE_ID ? ratioInterval(reference, perRound) : null;
      const counted = counts.get(key) ?? null;
      const inRounds = statementsInRounds(rounds);
      const merged = mergedCalls(concurrency, counted);
      if (counted && inRounds !== null && !merged.merged && !spec.statementsVary) {
        const difference = Math.abs(inRounds - counted.statementsPerOp) / counted.statementsPerOp;
        if (difference > STATEMENTS_TOLERANCE) {
          throw new BenchmarkError(
            `${impl}: ${scenario.id} ${benchCase.id} sent ${inRounds.toFixed(3)} statements per operation inside the timed rounds but ${counted.statementsPerOp.toFixed(3)} when counted (${(difference * 100).toFixed(1)}% apart, more than ${STATEMENTS_TOLERANCE * 100}%): what was timed is not what was counted and verified, so the run stops.`,
          );
        }
      }
      results.push({
        scenario: scenario.id,
        case: benchCase.id,
        labels: benchCase.labels,
        impl,
        concurrency,
        stats,
        roundOpsPerSec: perRound,
        opsPerSec: ops.value,
        opsPerSecInterval: ops.interval,
        rate: benchCase.unitsPerOp ? ops.value * benchCase.unitsPerOp : null,
        ratio: ratio?.value ?? null,
        ratioInterval: ratio?.interval ?? null,
        counts: counted,
        statementsPerOpInRounds: inRounds,
        observed: { ...(observed.get(key) ?? {}), ...merged },
        rounds,
      });
    }
  }
  return results;
}

/** Verifies, counts and times every scenario; each scenario's shared repositories live for that scenario only. */
export async function runScenarios(setup: RunSetup, plans: Planned[]): Promise<ScenarioReport[]> {
  const reports: ScenarioReport[] = [];
  for (const plan of plans) {
    const shared = plan.scenario.ownRepositories ? [] : [...plan.handles.values()];
    try {
      const began = performance.now();
      for (const h of shared) await h.open();
      await verify(setup, plan);
      const verified = performance.now();
      const counts = await count(setup, plan);
      const counted = performance.now();
      const parts = { warmUp: 0, rounds: 0 };
      const results = await time(setup, plan, counts, parts);
      const timed = results.reduce((s, r) => s + r.rounds.reduce((t, p) => t + p.wallMs, 0), 0) / 1000;
      const seconds: ScenarioParts = {
        verify: (verified - began) / 1000,
        count: (counted - verified) / 1000,
        ...parts,
        timed,
      };
      reports.push({ scenario: plan.scenario, cases: plan.cases.map((c) => c.benchCase), results, seconds });
    } finally {
      for (const h of shared) await h.close().catch(() => {});
    }
  }
  return reports;
}

/** The harness's own cost: an empty task through the same measurement. */
export async function harnessOverhead(profile: Profile, signal: AbortSignal): Promise<Stats> {
  const phases: Phase[] = [];
  // an empty task yields millions of samples per round: three rounds describe it well enough
  for (let round = 0; round < Math.min(3, profile.rounds); round++) {
    phases.push(await measure({ run: async () => {} }, profile, signal));
  }
  return summarize(phases.flatMap((p) => p.samples));
}
