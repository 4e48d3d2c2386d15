import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compareIntervals, type Interval, ratioVerdict } from './intervals';
import { selfTestVerdict, upperMedian } from './latency-proxy';
import { PGBENCH_ID } from './pgbench';
import { perOperation, rowsRead } from './plans';
import { fmt, fmtCount } from './report/table';
import { loadRun, type RunData, type RunResult } from './run-data';
import { isPoolSizeRow } from './scenario';

/**
 * Figures in prose come from data. README.md and benchmarks/results/README.md quote the committed reference
 * runs; every figure is written as a marker, `<!--f:KEY-->VALUE<!--/f-->`, and this script fills VALUE from
 * the run's raw.json and environment.json (`pnpm --filter @dal/benchmarks prose`). test/prose.test.ts fails
 * when a VALUE differs from what the data says, when a key names nothing, and when a figure or a ranking
 * ("faster than") stands in the prose without a marker.
 *
 * KEY is `kind|run|...`, run one of RUNS. Results are addressed as `scenario|case|impl`:
 *   ops|run|s|c|i         median ops/s over rounds (3 significant digits)
 *   ms|run|s|c|i          time per operation at that median, 1000 / ops/s (3 significant digits)
 *   rate|run|s|c|i        units/s (rows/s), 3 significant digits
 *   ratio|run|s|c|i       × pg with its 95% interval: `1.43× (1.31–1.58)`, or `≈ pg (0.97–1.08)`
 *   ratios|run|s|c|i,j..  the ratios of several implementations, `Kysely 1.09× (…), Knex …`
 *   stmts|run|s|c|i       statements per operation; rowsop|… rows per operation
 *   planread|run|s|c|i    rows the plans of the operation's statements read (scans' rows and rows removed by
 *                         filters, each statement weighted by its executions per operation), from the count phase
 *   observed|run|s|c|i|k  what the task observed (k: retries, deadlocks, invariant, server connections)
 *   factor|run|s|c|i|s2|c2|i2   how many times the first result's ops/s is the second's: `14×`, or `≈ 1×`
 *                         when their intervals overlap (no difference the rounds can show)
 *   vs|run|s|c|i|j        i against j in the same case: `faster than`, `slower than` or `level with`
 *                         (a difference only when the ops/s intervals do not overlap)
 *   best|run|mode|i       pooling: the pool size where i has its highest median ops/s with `mode` statements;
 *                         bestops|run|mode|i that ops/s
 *   sha|run               the commit the run measured, 7 characters
 *   pgbench|run|c         pgbench's median ops/s in pooling case c (its -M mode follows the case's statements)
 *   pgshare|run|c         raw pg's ops/s as a share of pgbench's in pooling case c, per round, with the
 *                         interval: `45% (41–48%)`
 *   env|run|path          a value of environment.json (dotted path), numbers with thousands separators
 *   added|run|s|c         the round trip the latency proxy added in case c (ms): the median over the rounds of
 *                         every implementation, 2 decimals
 *   selftest|run|s        the latency proxy's self-test under scenario s's load: `within` or `outside` the
 *                         ±15% bound (the median added round trip against run.latencyMs)
 *   wall|run              the run's wall time, `17 min 51 s`
 *   timed|run             the sum of its timed rounds' measured parts (run.scenarioSeconds), `11 min 2 s`
 *   rounds|run[|s]        rounds per task in the run (the profile's), or in scenario s; conf|run[|s] the
 *                         coverage of those rounds' intervals, `75%`
 */
export const RUNS: Record<string, string> = {
  default: 'reference-default',
  latency: 'reference-latency-1ms',
};

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The prose files whose figures come from the reference runs. */
export const PROSE_FILES = [`${ROOT}README.md`, `${RESULTS}README.md`];

const MARKER = /<!--f:([^>]*?)-->([\s\S]*?)<!--\/f-->/g;

export class ProseError extends Error {
  override name = 'ProseError';
}

/** 3 significant digits, thousands separated: 25,500, 5,450, 71.0 → 71, 0.93. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return fmt(value);
  if (Math.abs(value) >= 1000) {
    const magnitude = 10 ** (Math.floor(Math.log10(Math.abs(value))) - 2);
    return (Math.round(value / magnitude) * magnitude).toLocaleString('en-US');
  }
  return String(Number(fmt(value)));
}

const ratioText = (ratio: number, interval: Interval): string => {
  const range = `(${interval[0].toFixed(2)}–${interval[1].toFixed(2)})`;
  return ratioVerdict(interval) === 'same' ? `≈ pg ${range}` : `${ratio.toFixed(2)}× ${range}`;
};

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function path(value: unknown, dotted: string): unknown {
  let at = value;
  for (const part of dotted.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** Loads the runs a text refers to, once. */
export class Figures {
  private readonly runs = new Map<string, RunData>();
  constructor(private readonly resultsDir = RESULTS) {}

  run(name: string): RunData {
    const dir = RUNS[name];
    if (!dir) throw new ProseError(`unknown run '${name}' (known: ${Object.keys(RUNS).join(', ')})`);
    let data = this.runs.get(name);
    if (!data) {
      data = loadRun(`${this.resultsDir}${dir}`);
      this.runs.set(name, data);
    }
    return data;
  }

  private result(run: string, scenario: string, kase: string, impl: string): RunResult {
    const r = this.run(run).results.find(
      (x) => x.scenario === scenario && x.case === kase && x.impl === impl,
    );
    if (!r) throw new ProseError(`no result ${scenario} / ${kase} / ${impl} in ${RUNS[run]}`);
    return r;
  }

  private ratioOf(r: RunResult): string {
    if (r.ratioToPg === null || !r.ratioToPgInterval) {
      throw new ProseError(`${r.scenario} / ${r.case} / ${r.impl} has no ratio to raw pg`);
    }
    return ratioText(r.ratioToPg, r.ratioToPgInterval);
  }

  /** The text of one figure. */
  value(key: string): string {
    const [kind, run, ...args] = key.split('|');
    if (!kind || !run) throw new ProseError(`malformed figure key '${key}'`);
    const arg = (i: number) => {
      const a = args[i];
      if (a === undefined) throw new ProseError(`figure '${key}' lacks argument ${i + 1}`);
      return a;
    };
    const at = (i: number) => this.result(run, arg(i), arg(i + 1), arg(i + 2));
    switch (kind) {
      case 'ops':
        return num(at(0).opsPerSec);
      case 'ms':
        return num(1000 / at(0).opsPerSec);
      case 'rate': {
        const r = at(0);
        if (r.rate === null) throw new ProseError(`${key}: the case has no rate`);
        return num(r.rate);
      }
      case 'ratio':
        return this.ratioOf(at(0));
      case 'ratios':
        return arg(2)
          .split(',')
          .map((impl) => {
            const r = this.result(run, arg(0), arg(1), impl);
            const name = this.displayName(run, impl);
            return `${name} ${this.ratioOf(r)}`;
          })
          .join(', ');
      case 'stmts':
        return fmtCount(at(0).counts?.statementsPerOp);
      case 'rowsop':
        return fmtCount(at(0).counts?.rowsPerOp);
      case 'planread': {
        const sql = at(0).counts?.sql ?? [];
        if (!sql.some((q) => q.plan?.analyzed)) throw new ProseError(`${key}: no analysed plan`);
        return num(perOperation(sql, rowsRead));
      }
      case 'observed': {
        const v = at(0).observed[arg(3)];
        if (v === undefined) throw new ProseError(`${key}: nothing observed under '${arg(3)}'`);
        return typeof v === 'number' ? num(v) : v;
      }
      case 'factor': {
        const a = at(0);
        const b = at(3);
        if (compareIntervals(a.opsPerSecInterval, b.opsPerSecInterval) === 'same') return '≈ 1×';
        const f = a.opsPerSec / b.opsPerSec;
        return `${f >= 10 ? Math.round(f) : f.toFixed(1)}×`;
      }
      case 'vs': {
        const a = at(0);
        const b = this.result(run, arg(0), arg(1), arg(3));
        const c = compareIntervals(a.opsPerSecInterval, b.opsPerSecInterval);
        return c === 'same' ? 'level with' : c === 'higher' ? 'faster than' : 'slower than';
      }
      case 'best':
      case 'bestops': {
        const candidates = this.run(run).results.filter(
          (x) =>
            x.scenario === 'pooling' &&
            isPoolSizeRow(x) &&
            x.observed?.merged === undefined &&
            x.labels.statements === arg(0) &&
            x.impl === arg(1),
        );
        const best = candidates.sort((x, y) => y.opsPerSec - x.opsPerSec)[0];
        if (!best) throw new ProseError(`${key}: no such cases`);
        return kind === 'best' ? String(best.labels.pool) : num(best.opsPerSec);
      }
      case 'sha':
        return String(path(this.run(run).environment, 'git.sha') ?? 'unknown').slice(0, 7);
      case 'pgbench':
        return num(this.result(run, 'pooling', arg(0), PGBENCH_ID).opsPerSec);
      case 'pgshare': {
        const r = this.result(run, 'pooling', arg(0), PGBENCH_ID);
        if (r.ratioToPg === null || !r.ratioToPgInterval)
          throw new ProseError(`${key}: pgbench row has no ratio`);
        const pct = (x: number) => Math.round(100 * x);
        return `${pct(r.ratioToPg)}% (${pct(r.ratioToPgInterval[0])}–${pct(r.ratioToPgInterval[1])}%)`;
      }
      case 'env': {
        const v = path(this.run(run).environment, arg(0));
        if (v === undefined || v === null || typeof v === 'object') {
          throw new ProseError(`${key}: environment.json has no value at ${arg(0)}`);
        }
        return typeof v === 'number' ? v.toLocaleString('en-US') : String(v);
      }
      case 'added': {
        const added = this.run(run)
          .results.filter((r) => r.scenario === arg(0) && r.case === arg(1))
          .flatMap((r) => r.proxyAddedMs);
        if (added.length === 0)
          throw new ProseError(`${key}: no proxied round trips in ${arg(0)} / ${arg(1)}`);
        return upperMedian(added).toFixed(2);
      }
      case 'selftest': {
        const env = this.run(run).environment;
        const added = path(env, `run.roundTripMs.loadedAddedByScenario.${arg(0)}.addedMs`);
        const asked = path(env, 'run.latencyMs');
        if (typeof added !== 'number' || typeof asked !== 'number' || asked <= 0) {
          throw new ProseError(`${key}: environment.json has no loaded self-test for ${arg(0)}`);
        }
        return selfTestVerdict(added, asked);
      }
      case 'wall':
        return duration(Number(path(this.run(run).environment, 'run.wallSeconds')));
      case 'timed': {
        const parts = path(this.run(run).environment, 'run.scenarioSeconds');
        if (!parts || typeof parts !== 'object') {
          throw new ProseError(
            `${key}: environment.json has no run.scenarioSeconds (runs before 2 December 2026)`,
          );
        }
        return duration(
          Object.values(parts as Record<string, { timed: number }>).reduce((n, p) => n + p.timed, 0),
        );
      }
      case 'rounds':
        return String(this.typical(run, args[0])?.roundOpsPerSec.length ?? 0);
      case 'conf':
        return `${Math.round(100 * (this.typical(run, args[0])?.confidence ?? 0) * 100) / 100}%`;
      default:
        throw new ProseError(`unknown figure kind '${kind}' in '${key}'`);
    }
  }

  /** A result of scenario `scenario`, or without one, a result with the run's own number of rounds. */
  private typical(run: string, scenario: string | undefined) {
    const { results, environment } = this.run(run);
    if (scenario) {
      const found = results.find((x) => x.scenario === scenario);
      if (!found) throw new ProseError(`no results of scenario '${scenario}' in ${RUNS[run] ?? run}`);
      return found;
    }
    const rounds = path(environment, 'run.rounds');
    return results.find((x) => x.roundOpsPerSec.length === rounds) ?? results[0];
  }

  private displayName(run: string, impl: string): string {
    const impls = path(this.run(run).environment, 'implementations') as
      | Array<{ id: string; displayName: string }>
      | undefined;
    return impls?.find((i) => i.id === impl)?.displayName.split(' ')[0] ?? impl;
  }
}

/** The text with every marker's value filled in from the data. */
export function fillProse(text: string, figures: Figures): string {
  return text.replace(MARKER, (_all, key: string) => `<!--f:${key}-->${figures.value(key)}<!--/f-->`);
}

/** Every marker whose value differs from the data: [key, written, computed]. */
export function staleFigures(text: string, figures: Figures): Array<[string, string, string]> {
  const stale: Array<[string, string, string]> = [];
  for (const m of text.matchAll(MARKER)) {
    const computed = figures.value(m[1]!);
    if (computed !== m[2]) stale.push([m[1]!, m[2]!, computed]);
  }
  return stale;
}

/**
 * Figures and rankings written by hand: a number with a unit of measurement (×, %, ms, ops/s, rows/s, tps,
 * µs), or "faster than" / "slower than", outside markers, code spans and links. `allowed` are the
 * parameters the prose may state (a 1 ms latency setting, a 10% agreement threshold).
 */
export function handTyped(text: string, allowed: readonly string[] = ALLOWED): string[] {
  const prose = text
    .replace(MARKER, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(/\]\([^)]*\)/g, '] ');
  const found: string[] = [];
  const figure = /(?<![\w.-])\d[\d,.]*\s?(?:×|%|ms\b|µs\b|ops\/s|rows\/s|tps\b|transfers\/s)/g;
  for (const m of prose.matchAll(figure)) if (!allowed.includes(m[0])) found.push(m[0]);
  for (const m of prose.matchAll(/\b(?:faster|slower) than\b/g)) found.push(m[0]);
  return found;
}

/** Parameters, not measurements. */
export const ALLOWED = ['1 ms', '0.5 ms', '10%', '95%', '100 ms', '20%', '15%'];

function main(argv: string[]): number {
  const figures = new Figures();
  const check = argv.includes('--check');
  let bad = 0;
  for (const file of PROSE_FILES) {
    const text = readFileSync(file, 'utf8');
    const stale = staleFigures(text, figures);
    const typed = handTyped(text);
    if (check) {
      for (const [key, written, computed] of stale) {
        process.stderr.write(`${file}: ${key}: written '${written}', the data says '${computed}'\n`);
      }
      for (const t of typed) process.stderr.write(`${file}: '${t}' is typed by hand (use a marker)\n`);
      bad += stale.length + typed.length;
    } else {
      if (stale.length) writeFileSync(file, fillProse(text, figures));
      process.stdout.write(`${file}: ${stale.length} figure(s) updated\n`);
      for (const t of typed) process.stderr.write(`${file}: '${t}' is typed by hand (use a marker)\n`);
    }
  }
  return bad ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`prose: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
