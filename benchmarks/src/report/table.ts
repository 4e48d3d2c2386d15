import type { Implementation } from '../implementations';
import { type Interval, ratioVerdict } from '../intervals';
import type { CaseResult, ScenarioReport } from '../runner';

export interface Table {
  columns: string[];
  /** Right-aligned (numeric) columns. */
  numeric: boolean[];
  rows: string[][];
}

/** Three significant digits, no exponent: 0.0123, 1.23, 12.3, 1234. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return '∞';
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toFixed(Math.min(decimals, 6));
}

/** Whole counts as they are; fractions (statements merged across concurrent callers) with 2 significant digits. */
export function fmtCount(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  return Number.isInteger(value) ? String(value) : value >= 1 ? value.toFixed(1) : fmt(value, 2);
}

/** A median with its 95% interval: `5450 (5210–5700)`. */
export function fmtEstimate(value: number | null | undefined, interval: Interval | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return interval ? `${fmt(value)} (${fmt(interval[0])}–${fmt(interval[1])})` : fmt(value);
}

/**
 * A ratio to raw pg with its 95% interval: `1.43× (1.31–1.58)`, or `≈ pg (0.97–1.08)` when the interval
 * includes 1 (the rounds cannot tell it from raw pg); '—' on raw pg's own rows.
 */
export function fmtRatio(ratio: number | null | undefined, interval: Interval | null | undefined): string {
  if (ratio === null || ratio === undefined) return '—';
  if (!interval) return `${ratio.toFixed(2)}×`;
  const range = `(${interval[0].toFixed(2)}–${interval[1].toFixed(2)})`;
  return ratioVerdict(interval) === 'same' ? `≈ pg ${range}` : `${ratio.toFixed(2)}× ${range}`;
}

/** Keys of `observed` that any result of the report has (retries, deadlocks, invariant...). */
function observedKeys(results: readonly CaseResult[]): string[] {
  return [...new Set(results.flatMap((r) => Object.keys(r.observed)))];
}

/** The rate's interval (rows/s): the ops/s interval times the units per operation. */
function rateInterval(r: CaseResult): Interval | null {
  if (r.rate === null) return null;
  const unitsPerOp = r.rate / r.opsPerSec;
  return [r.opsPerSecInterval[0] * unitsPerOp, r.opsPerSecInterval[1] * unitsPerOp];
}

/** Each implementation's driver (meta.driver), for the tables' driver column. */
export function driversOf(impls: readonly Implementation[]): ReadonlyMap<string, string> {
  return new Map(impls.map(({ meta }) => [meta.id, meta.driver]));
}

/**
 * One table per scenario: the case's labels, the implementation (and its driver, when the run compares more
 * than one: postgres.js' rows compare drivers as well as APIs), then the measurements.
 */
export function scenarioTable(
  report: ScenarioReport,
  counting: boolean,
  drivers: ReadonlyMap<string, string> = new Map(),
): Table {
  const { scenario, results } = report;
  const extra = observedKeys(results);
  const showDriver = new Set(results.map((r) => drivers.get(r.impl))).size > 1;
  const columns = [
    ...scenario.columns,
    'impl',
    ...(showDriver ? ['driver'] : []),
    'p50 ms',
    'p99 ms',
    'mean ms',
    'ops/s (95% CI)',
    'rounds',
    'samples',
    ...(scenario.unitRate ? [scenario.unitRate] : []),
    'stmts/op',
    'rows/op',
    ...extra,
    '× pg',
  ];
  const rows = results.map((r) => [
    ...scenario.columns.map((c) => String(r.labels[c] ?? '')),
    r.impl,
    ...(showDriver ? [drivers.get(r.impl) ?? '?'] : []),
    fmt(r.stats.p50),
    r.stats.p99 === null ? '—' : fmt(r.stats.p99),
    fmt(r.stats.mean),
    fmtEstimate(r.opsPerSec, r.opsPerSecInterval),
    String(r.roundOpsPerSec.length),
    String(r.stats.samples),
    ...(scenario.unitRate ? [fmtEstimate(r.rate, rateInterval(r))] : []),
    counting ? fmtCount(r.counts?.statementsPerOp) : 'n/a',
    counting ? fmtCount(r.counts?.rowsPerOp) : 'n/a',
    ...extra.map((k) => (r.observed[k] === undefined ? '—' : String(r.observed[k]))),
    fmtRatio(r.ratio, r.ratioInterval),
  ]);
  const textual = new Set([...scenario.columns, 'impl', 'driver', ...extra.filter((k) => k === 'invariant')]);
  return { columns, numeric: columns.map((c) => !textual.has(c)), rows };
}

export function markdownTable(table: Table): string {
  const cellText = (cell: string) => cell.replace(/\|/g, '\\|');
  const head = `| ${table.columns.map(cellText).join(' | ')} |`;
  const rule = `|${table.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`;
  return [head, rule, ...table.rows.map((row) => `| ${row.map(cellText).join(' | ')} |`)].join('\n');
}

export function textTable(table: Table): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (table.numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ');
  return [line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join(
    '\n',
  );
}

/**
 * The scenarios that differ from the profile's `base` (a scenario's factor), grouped by their value, e.g.
 * " (n-plus-one, point-read: 2 × 300 ms)"; empty when none does.
 */
export function exceptions(
  byScenario: Record<string, number> | undefined,
  base: number,
  show: (v: number) => string,
): string {
  const groups = new Map<number, string[]>();
  for (const [id, v] of Object.entries(byScenario ?? {})) {
    if (v !== base) groups.set(v, [...(groups.get(v) ?? []), id]);
  }
  return groups.size ? ` (${[...groups].map(([v, ids]) => `${ids.join(', ')}: ${show(v)}`).join('; ')})` : '';
}
