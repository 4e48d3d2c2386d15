import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CaseResult, ScenarioReport } from '../runner';

export interface Chart {
  file: string;
  title: string;
  svg: string;
}

type Row = Record<string, string | number>;

const rowsOf = (report: ScenarioReport | undefined, map: (r: CaseResult) => Row | null): Row[] =>
  (report?.results ?? []).flatMap((r) => {
    const row = map(r);
    return row ? [row] : [];
  });

function specs(
  reports: readonly ScenarioReport[],
): Array<{ file: string; title: string; spec: TopLevelSpec }> {
  const by = (id: string) => reports.find((r) => r.scenario.id === id);
  const base = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: 280,
  } as const;
  const charts: Array<{ file: string; title: string; spec: TopLevelSpec }> = [];

  const pagination = rowsOf(by('pagination'), (r) => ({
    impl: r.impl,
    method: String(r.labels.method),
    depth: Number(r.labels.depth),
    ms: r.stats.mean,
  }));
  if (pagination.length) {
    charts.push({
      file: 'pagination.svg',
      title: 'pagination: mean time per page vs page depth',
      spec: {
        ...base,
        title: 'Time per page vs page depth (pageSize 20)',
        data: { values: pagination },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'depth', type: 'quantitative', scale: { type: 'log' }, title: 'page depth' },
          y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'mean ms per page' },
          color: { field: 'impl', type: 'nominal' },
          strokeDash: { field: 'method', type: 'nominal' },
          detail: { field: 'method', type: 'nominal' },
        },
      },
    });
  }

  const pooling = rowsOf(by('pooling'), (r) =>
    typeof r.labels.pool === 'number'
      ? {
          impl: r.impl,
          series: r.labels.statements === 'prepared' ? `${r.impl} (prepared)` : r.impl,
          statements: String(r.labels.statements ?? 'unnamed'),
          pool: r.labels.pool,
          ops: r.stats.opsPerSec,
        }
      : null,
  );
  const baseline = by('pooling')?.results.find((r) => typeof r.labels.pool !== 'number');
  if (pooling.length) {
    charts.push({
      file: 'pooling.svg',
      title: 'pooling: throughput vs pool size (64 callers)',
      spec: {
        ...base,
        title: 'Throughput vs pool size, 64 concurrent callers',
        layer: [
          {
            data: { values: pooling },
            mark: { type: 'line', point: true },
            encoding: {
              x: { field: 'pool', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'pool size' },
              y: { field: 'ops', type: 'quantitative', title: 'operations / s' },
              color: { field: 'impl', type: 'nominal' },
              strokeDash: { field: 'statements', type: 'nominal', title: 'statements' },
              detail: { field: 'series', type: 'nominal' },
            },
          },
          ...(baseline
            ? [
                {
                  data: {
                    values: [{ ops: baseline.stats.opsPerSec, label: 'connect per operation (raw pg)' }],
                  },
                  mark: { type: 'rule' as const, strokeDash: [4, 4], color: 'gray' },
                  encoding: { y: { field: 'ops', type: 'quantitative' as const } },
                },
                {
                  data: {
                    values: [{ ops: baseline.stats.opsPerSec, label: 'connect per operation (raw pg)' }],
                  },
                  mark: { type: 'text' as const, align: 'left' as const, dy: -6, x: 4, color: 'gray' },
                  encoding: {
                    y: { field: 'ops', type: 'quantitative' as const },
                    text: { field: 'label', type: 'nominal' as const },
                  },
                },
              ]
            : []),
        ],
      },
    });
  }

  const grouped = (
    id: string,
    file: string,
    title: string,
    label: string,
    value: (r: CaseResult) => number,
  ) => {
    const values = rowsOf(by(id), (r) => ({
      impl: r.impl,
      variant: String(r.labels[label]),
      value: value(r),
    }));
    if (!values.length) return;
    charts.push({
      file,
      title,
      spec: {
        ...base,
        title,
        data: { values },
        mark: 'bar',
        encoding: {
          x: { field: 'variant', type: 'nominal', title: label, sort: null },
          xOffset: { field: 'impl', type: 'nominal' },
          y: { field: 'value', type: 'quantitative', title: id === 'bulk-insert' ? 'rows / s' : 'mean ms' },
          color: { field: 'impl', type: 'nominal' },
        },
      },
    });
  };
  grouped(
    'bulk-insert',
    'bulk-insert.svg',
    'Bulk insert: rows per second by method',
    'method',
    (r) => r.rate ?? 0,
  );
  grouped(
    'n-plus-one',
    'n-plus-one.svg',
    'N+1: mean ms per call by loading strategy',
    'strategy',
    (r) => r.stats.mean,
  );
  return charts;
}

/** SVG charts, rendered headless: vega-lite compiles to vega, vega's View renders SVG without a canvas. */
export async function renderCharts(reports: readonly ScenarioReport[]): Promise<Chart[]> {
  const charts: Chart[] = [];
  for (const { file, title, spec } of specs(reports)) {
    const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
    try {
      charts.push({ file, title, svg: await view.toSVG() });
    } finally {
      view.finalize();
    }
  }
  return charts;
}
