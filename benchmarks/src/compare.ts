import { compareIntervals, contains, type Interval, overlaps, relativeHalfWidth } from './intervals';
import { fmtEstimate, fmtRatio, textTable } from './report/table';
import { type RunData, type RunResult, resultKey } from './run-data';

/** Two ratios "agree" when they differ by at most this share. */
export const AGREEMENT = 0.1;

export interface ComparedRow {
  key: string;
  a: RunResult;
  b: RunResult;
  /** Ops/s intervals of the two runs do not overlap: 'higher' = run B is faster. */
  opsChange: 'same' | 'higher' | 'lower';
  /** B's ratio ÷ A's ratio - 1 (0.2 = B's ratio is 20% higher: the library lost ground on raw pg). */
  ratioDelta: number | null;
  /** The two × pg intervals do not overlap: 'higher' = the library is further behind raw pg in run B. */
  ratioChange: 'same' | 'higher' | 'lower' | null;
}

export interface Comparison {
  rows: ComparedRow[];
  onlyA: string[];
  onlyB: string[];
  /** × pg ratios present in both runs. */
  ratios: number;
  /** Of those, how many differ by at most AGREEMENT. */
  agree: number;
  /** Of those, how many have non-overlapping intervals. */
  changed: number;
  /** A's ratios inside B's interval, and B's inside A's. */
  aInsideB: number;
  bInsideA: number;
  /** Median relative half-width of the × pg intervals of each run. */
  medianHalfWidthA: number | null;
  medianHalfWidthB: number | null;
}

const median = (values: number[]): number | null => {
  if (!values.length) return null;
  const s = [...values].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const halfWidth = (r: RunResult) =>
  r.ratioToPg !== null && r.ratioToPgInterval
    ? relativeHalfWidth({ value: r.ratioToPg, interval: r.ratioToPgInterval })
    : null;

export function compareRuns(a: RunData, b: RunData): Comparison {
  const inB = new Map(b.results.map((r) => [resultKey(r), r]));
  const inA = new Set(a.results.map(resultKey));
  const rows: ComparedRow[] = [];
  for (const ra of a.results) {
    const rb = inB.get(resultKey(ra));
    if (!rb) continue;
    const both =
      ra.ratioToPg !== null && rb.ratioToPg !== null && ra.ratioToPgInterval && rb.ratioToPgInterval;
    rows.push({
      key: resultKey(ra),
      a: ra,
      b: rb,
      opsChange: compareIntervals(rb.opsPerSecInterval, ra.opsPerSecInterval),
      ratioDelta: both ? rb.ratioToPg! / ra.ratioToPg! - 1 : null,
      ratioChange: both ? compareIntervals(rb.ratioToPgInterval!, ra.ratioToPgInterval!) : null,
    });
  }
  const ratioRows = rows.filter((r) => r.ratioDelta !== null);
  const widthsOf = (pick: (r: ComparedRow) => RunResult) =>
    ratioRows.map((r) => halfWidth(pick(r))).filter((w): w is number => w !== null);
  return {
    rows,
    onlyA: a.results.map(resultKey).filter((k) => !inB.has(k)),
    onlyB: b.results.map(resultKey).filter((k) => !inA.has(k)),
    ratios: ratioRows.length,
    agree: ratioRows.filter((r) => Math.abs(r.ratioDelta!) <= AGREEMENT + 1e-12).length,
    changed: ratioRows.filter((r) => r.ratioChange !== 'same').length,
    aInsideB: ratioRows.filter((r) => contains(r.b.ratioToPgInterval!, r.a.ratioToPg!)).length,
    bInsideA: ratioRows.filter((r) => contains(r.a.ratioToPgInterval!, r.b.ratioToPg!)).length,
    medianHalfWidthA: median(widthsOf((r) => r.a)),
    medianHalfWidthB: median(widthsOf((r) => r.b)),
  };
}

/** Rows whose × pg got significantly worse (non-overlapping intervals) by more than `pct` percent. */
export function worseAbove(comparison: Comparison, pct: number): ComparedRow[] {
  return comparison.rows.filter(
    (r) => r.ratioChange === 'higher' && r.ratioDelta !== null && r.ratioDelta * 100 > pct,
  );
}

const pct = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : 'n/a');
const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(0)}%`;
const change = (c: 'same' | 'higher' | 'lower' | null, higher: string, lower: string) =>
  c === null ? '' : c === 'same' ? '' : c === 'higher' ? higher : lower;

/** Keys of one run missing from the other; a scenario missing whole is named once. */
function unmatched(keys: readonly string[], side: string, run: RunData): string[] {
  const byScenario = new Map<string, string[]>();
  for (const key of keys) {
    const scenario = key.split(' / ')[0]!;
    (byScenario.get(scenario) ?? byScenario.set(scenario, []).get(scenario)!).push(key);
  }
  return [...byScenario.entries()].flatMap(([scenario, missing]) =>
    missing.length === run.results.filter((r) => r.scenario === scenario).length
      ? [`${scenario} (${side}, all ${missing.length} results)`]
      : missing.map((k) => `${k} (${side})`),
  );
}

/** The side-by-side tables (one per scenario) and the closing figures. */
export function formatComparison(a: RunData, b: RunData, c: Comparison): string {
  const out: string[] = [`A: ${a.dir}`, `B: ${b.dir}`];
  for (const run of [a, b]) {
    if (run.derived) {
      const rounds = run.results[0]?.roundOpsPerSec.length ?? 0;
      out.push(
        `${run.name}: raw.json predates per-round fields; ops/s per round and intervals derived from its ${rounds} rounds${rounds < 6 ? ` (with ${rounds} rounds an interval is [min, max], which covers the median with ${Math.round(100 * (run.results[0]?.confidence ?? 0))}%, not 95%)` : ''}`,
      );
    }
  }
  const scenarios = [...new Set(c.rows.map((r) => r.a.scenario))];
  for (const scenario of scenarios) {
    const rows = c.rows.filter((r) => r.a.scenario === scenario);
    out.push(`\n${scenario}`);
    out.push(
      textTable({
        columns: ['case', 'impl', 'ops/s A', 'ops/s B', 'ops/s', '× pg A', '× pg B', '× pg B/A', '× pg'],
        numeric: [false, false, true, true, false, true, true, true, false],
        rows: rows.map((r) => [
          r.a.case,
          r.a.impl,
          fmtEstimate(r.a.opsPerSec, r.a.opsPerSecInterval),
          fmtEstimate(r.b.opsPerSec, r.b.opsPerSecInterval),
          change(r.opsChange, 'faster', 'slower'),
          fmtRatio(r.a.ratioToPg, r.a.ratioToPgInterval),
          fmtRatio(r.b.ratioToPg, r.b.ratioToPgInterval),
          r.ratioDelta === null ? '—' : signed(r.ratioDelta),
          change(r.ratioChange, 'worse', 'better'),
        ]),
      }),
    );
  }
  const missing = [...unmatched(c.onlyA, 'A only', a), ...unmatched(c.onlyB, 'B only', b)];
  if (missing.length) out.push(`\nnot in both runs: ${missing.join('; ')}`);
  const width = (w: number | null) => (w === null ? 'n/a' : `±${(100 * w).toFixed(1)}%`);
  out.push('');
  out.push(
    `× pg inside the other run's interval: ${c.aInsideB} of ${c.ratios} (${pct(c.aInsideB, c.ratios)}) of A's in B's, ${c.bInsideA} of ${c.ratios} (${pct(c.bInsideA, c.ratios)}) of B's in A's`,
  );
  out.push(
    `median half-width of the × pg intervals: A ${width(c.medianHalfWidthA)}, B ${width(c.medianHalfWidthB)}`,
  );
  out.push(
    `${c.agree} of ${c.ratios} ratios agree within ${Math.round(AGREEMENT * 100)}%; ${c.changed} changed significantly`,
  );
  return out.join('\n');
}

export type { Interval };
export { overlaps };
