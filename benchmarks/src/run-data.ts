import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from './errors';
import { type Interval, medianInterval, ratioInterval, roundOpsPerSec } from './intervals';
import { REFERENCE_ID } from './registry';
import type { Counts } from './runner';

/** One result of a finished run, as bench:compare and the prose script read it. */
export interface RunResult {
  scenario: string;
  case: string;
  impl: string;
  labels: Record<string, string | number>;
  concurrency: number;
  roundOpsPerSec: number[];
  opsPerSec: number;
  opsPerSecInterval: Interval;
  /** Coverage of opsPerSecInterval (below 0.95 with fewer than 6 rounds). */
  confidence: number;
  rate: number | null;
  ratioToPg: number | null;
  ratioToPgInterval: Interval | null;
  stats: { samples: number; mean: number; p50: number; p99: number | null };
  counts: Pick<Counts, 'statementsPerOp' | 'rowsPerOp' | 'sql'> | null;
  observed: Record<string, number | string>;
  /** Per round, the round trip the latency proxy added under this task's load (ms); empty without --latency. */
  proxyAddedMs: number[];
}

export interface RunData {
  dir: string;
  name: string;
  /** environment.json, when the run has one. */
  environment: Record<string, unknown> | null;
  results: RunResult[];
  /**
   * True when raw.json predates the per-round fields (roundOpsPerSec, intervals): they were derived here
   * from every round's samples, wall time and completed operations, the same way the harness computes them.
   */
  derived: boolean;
}

export const resultKey = (r: { scenario: string; case: string; impl: string }) =>
  `${r.scenario} / ${r.case} / ${r.impl}`;

interface RawRound {
  wallMs: number;
  completed: number;
  samplesMs: number[];
  proxyRoundTrip?: { addedMs: number } | null;
}

interface RawResult {
  case: string;
  impl: string;
  labels: Record<string, string | number>;
  concurrency: number;
  stats: { samples: number; mean: number; p50: number; p99: number | null };
  rate: number | null;
  counts: Pick<Counts, 'statementsPerOp' | 'rowsPerOp' | 'sql'> | null;
  observed?: Record<string, number | string>;
  rounds?: RawRound[];
  roundOpsPerSec?: number[];
  opsPerSec?: number;
  opsPerSecInterval?: Interval;
  ratioToPg?: number | null;
  ratioToPgInterval?: Interval | null;
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${what}: ${file} is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

/** Reads a results directory (or its raw.json); one clear line when it is not a benchmark run. */
export function loadRun(path: string): RunData {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  const dir = statSync(path).isDirectory() ? path : join(path, '..');
  const rawFile = statSync(path).isDirectory() ? join(path, 'raw.json') : path;
  if (!existsSync(rawFile)) throw new UsageError(`${path} is not a benchmark run: it has no raw.json`);
  const raw = readJson(rawFile, 'raw.json') as { scenarios?: unknown };
  if (!raw || !Array.isArray(raw.scenarios)) {
    throw new UsageError(`${rawFile} is not a benchmark run's raw.json: it has no scenarios`);
  }
  const envFile = join(dir, 'environment.json');
  const environment = existsSync(envFile)
    ? (readJson(envFile, 'environment.json') as Record<string, unknown>)
    : null;
  return parseRun(raw, environment, dir, rawFile);
}

/** A run from raw.json's and environment.json's content (`rawFile` names it in errors). */
export function parseRun(
  raw: { scenarios?: unknown },
  environment: Record<string, unknown> | null,
  dir: string,
  rawFile = join(dir, 'raw.json'),
): RunData {
  if (!raw || !Array.isArray(raw.scenarios)) {
    throw new UsageError(`${rawFile} is not a benchmark run's raw.json: it has no scenarios`);
  }
  let derived = false;
  const results: RunResult[] = [];
  for (const scenario of raw.scenarios as Array<{ scenario: string; results: RawResult[] }>) {
    if (typeof scenario?.scenario !== 'string' || !Array.isArray(scenario.results)) {
      throw new UsageError(`${rawFile} is not a benchmark run's raw.json: a scenario without results`);
    }
    const reference = new Map<string, number[]>();
    for (const r of scenario.results) {
      let rounds = r.roundOpsPerSec;
      if (!rounds) {
        if (!Array.isArray(r.rounds)) {
          throw new UsageError(`${rawFile}: ${scenario.scenario} ${r.case} ${r.impl} has no rounds`);
        }
        derived = true;
        rounds = r.rounds.map((p) =>
          roundOpsPerSec({ samples: p.samplesMs, wallMs: p.wallMs, completed: p.completed }, r.concurrency),
        );
      }
      const ops = medianInterval(rounds);
      if (r.impl === REFERENCE_ID) reference.set(r.case, rounds);
      const pg = reference.get(r.case);
      const ratio =
        r.impl !== REFERENCE_ID && pg && pg.length === rounds.length ? ratioInterval(pg, rounds) : null;
      results.push({
        scenario: scenario.scenario,
        case: r.case,
        impl: r.impl,
        labels: r.labels,
        concurrency: r.concurrency,
        roundOpsPerSec: rounds,
        opsPerSec: r.opsPerSec ?? ops.value,
        opsPerSecInterval: r.opsPerSecInterval ?? ops.interval,
        confidence: ops.confidence,
        // units per operation (rows of a bulk insert) times the median ops/s
        rate: r.rate === null ? null : (r.rate / (r.opsPerSec ?? pooledOps(r))) * (r.opsPerSec ?? ops.value),
        ratioToPg: r.ratioToPgInterval === undefined ? (ratio?.value ?? null) : (r.ratioToPg ?? null),
        ratioToPgInterval:
          r.ratioToPgInterval === undefined ? (ratio?.interval ?? null) : r.ratioToPgInterval,
        stats: r.stats,
        counts: r.counts,
        observed: r.observed ?? {},
        proxyAddedMs: (r.rounds ?? []).flatMap((p) => (p.proxyRoundTrip ? [p.proxyRoundTrip.addedMs] : [])),
      });
    }
  }
  return { dir, name: basename(dir), environment, results, derived };
}

/** An old raw.json's pooled ops/s (its rate was computed from it): only to recover units per operation. */
function pooledOps(r: RawResult): number {
  const old = (r.stats as { opsPerSec?: number }).opsPerSec;
  if (old) return old;
  throw new Error(`${r.case} ${r.impl}: a rate without ops/s`);
}
