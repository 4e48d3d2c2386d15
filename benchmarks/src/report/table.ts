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

/** Keys of `observed` that any result of the report has (retries, deadlocks, invariant...). */
function observedKeys(results: readonly CaseResult[]): string[] {
  return [...new Set(results.flatMap((r) => Object.keys(r.observed)))];
}

/** One table per scenario: the case's labels, the implementation, then the measurements. */
export function scenarioTable(report: ScenarioReport, counting: boolean): Table {
  const { scenario, results } = report;
  const extra = observedKeys(results);
  const columns = [
    ...scenario.columns,
    'impl',
    'p50 ms',
    'p99 ms',
    'mean ms',
    'ops/s',
    '± rme',
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
    fmt(r.stats.p50),
    fmt(r.stats.p99),
    fmt(r.stats.mean),
    fmt(r.stats.opsPerSec),
    Number.isNaN(r.stats.rme) ? 'n/a' : `±${r.stats.rme.toFixed(1)}%`,
    String(r.stats.samples),
    ...(scenario.unitRate ? [fmt(r.rate)] : []),
    counting ? fmtCount(r.counts?.statementsPerOp) : 'n/a',
    counting ? fmtCount(r.counts?.rowsPerOp) : 'n/a',
    ...extra.map((k) => (r.observed[k] === undefined ? '—' : String(r.observed[k]))),
    r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`,
  ]);
  const textual = new Set([...scenario.columns, 'impl', ...extra.filter((k) => k === 'invariant')]);
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
