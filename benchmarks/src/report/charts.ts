import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CaseResult, ScenarioReport } from '../runner';
import { isPoolSizeRow } from '../scenario';

export interface Chart {
  file: string;
  title: string;
  svg: string;
}

type Row = Record<string, string | number>;

/** Time per operation from the median ops/s and its interval (one caller: 1000 / ops/s). */
const msPerOp = (r: CaseResult) => ({
  ms: 1000 / r.opsPerSec,
  low: 1000 / r.opsPerSecInterval[1],
  high: 1000 / r.opsPerSecInterval[0],
});

/**
 * The legend of a line-style channel draws a dashed or solid stroke, not the point every series shares
 * (with the default symbol both entries showed the same filled dot).
 */
const DASH_LEGEND = {
  symbolType: 'stroke',
  symbolStrokeWidth: 2,
  symbolSize: 400,
  // the line mark's points would fill the symbol and leave its stroke unset: a line needs a stroke
  encode: { symbols: { update: { stroke: { value: 'black' }, fill: { value: 'transparent' } } } },
} as const;

/** A vertical bar from `low` to `high` at each point: the 95% interval of the median over rounds. */
const errorBars = (x: object) =>
  ({
    mark: { type: 'rule', opacity: 0.7 },
    encoding: {
      x,
      y: { field: 'low', type: 'quantitative' },
      y2: { field: 'high' },
      color: { field: 'impl', type: 'nominal' },
    },
  }) as const;

const rowsOf = (report: ScenarioReport | undefined, map: (r: CaseResult) => Row | null): Row[] =>
  (report?.results ?? []).flatMap((r) => {
    const row = map(r);
    return row ? [row] : [];
  });

export function specs(
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
    series: `${r.impl} ${r.labels.method}`,
    ...msPerOp(r),
  }));
  if (pagination.length) {
    const x = { field: 'depth', type: 'quantitative', scale: { type: 'log' }, title: 'page depth' } as const;
    const y = { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'ms per page' } as const;
    charts.push({
      file: 'pagination.svg',
      title: 'pagination: time per page vs page depth',
      spec: {
        ...base,
        title: 'Time per page vs page depth (pageSize 20; median of rounds, 95% interval)',
        data: { values: pagination },
        layer: [
          {
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y,
              color: { field: 'impl', type: 'nominal' },
              strokeDash: { field: 'method', type: 'nominal', legend: DASH_LEGEND },
              detail: { field: 'series', type: 'nominal' },
            },
          },
          errorBars(x),
        ],
      },
    });
  }

  const pooling = rowsOf(by('pooling'), (r) =>
    isPoolSizeRow(r)
      ? {
          // merged calls measure the merge, not the pool: labelled, a series of their own
          impl: r.observed?.merged ? `${r.impl} (merged: ${r.observed.merged})` : r.impl,
          series: r.labels.statements === 'prepared' ? `${r.impl} (prepared)` : r.impl,
          statements: String(r.labels.statements ?? 'unnamed'),
          pool: r.labels.pool as number,
          ops: r.opsPerSec,
          low: r.opsPerSecInterval[0],
          high: r.opsPerSecInterval[1],
        }
      : null,
  );
  const baseline = by('pooling')?.results.find((r) => r.case === 'connect-per-op');
  const poolX = {
    field: 'pool',
    type: 'quantitative',
    scale: { type: 'log', base: 2 },
    title: 'pool size',
  } as const;
  if (pooling.length) {
    charts.push({
      file: 'pooling.svg',
      title: 'pooling: throughput vs pool size (64 callers)',
      spec: {
        ...base,
        title: 'Throughput vs pool size, 64 concurrent callers (median of rounds, 95% interval)',
        layer: [
          {
            data: { values: pooling },
            mark: { type: 'line', point: true },
            encoding: {
              x: poolX,
              y: { field: 'ops', type: 'quantitative', title: 'operations / s' },
              color: { field: 'impl', type: 'nominal' },
              strokeDash: { field: 'statements', type: 'nominal', title: 'statements', legend: DASH_LEGEND },
              detail: { field: 'series', type: 'nominal' },
            },
          },
          { data: { values: pooling }, ...errorBars(poolX) },
          ...(baseline
            ? [
                {
                  data: {
                    values: [{ ops: baseline.opsPerSec, label: 'connect per operation (raw pg)' }],
                  },
                  mark: { type: 'rule' as const, strokeDash: [4, 4], color: 'gray' },
                  encoding: { y: { field: 'ops', type: 'quantitative' as const } },
                },
                {
                  data: {
                    values: [{ ops: baseline.opsPerSec, label: 'connect per operation (raw pg)' }],
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
    value: (r: CaseResult) => { value: number; low: number; high: number },
    yTitle: string,
  ) => {
    const values = rowsOf(by(id), (r) => ({
      impl: r.impl,
      variant: String(r.labels[label]),
      ...value(r),
    }));
    if (!values.length) return;
    const x = { field: 'variant', type: 'nominal', title: label, sort: null } as const;
    const xOffset = { field: 'impl', type: 'nominal' } as const;
    charts.push({
      file,
      title,
      spec: {
        ...base,
        title: `${title} (median of rounds, 95% interval)`,
        data: { values },
        layer: [
          {
            mark: 'bar',
            encoding: {
              x,
              xOffset,
              y: { field: 'value', type: 'quantitative', title: yTitle },
              color: { field: 'impl', type: 'nominal' },
            },
          },
          {
            mark: { type: 'rule', color: 'black' },
            encoding: {
              x,
              xOffset,
              y: { field: 'low', type: 'quantitative' },
              y2: { field: 'high' },
            },
          },
        ],
      },
    });
  };
  grouped(
    'bulk-insert',
    'bulk-insert.svg',
    'Bulk insert: rows per second by method',
    'method',
    (r) => {
      const unitsPerOp = (r.rate ?? 0) / r.opsPerSec;
      return {
        value: r.rate ?? 0,
        low: r.opsPerSecInterval[0] * unitsPerOp,
        high: r.opsPerSecInterval[1] * unitsPerOp,
      };
    },
    'rows / s',
  );
  grouped(
    'n-plus-one',
    'n-plus-one.svg',
    'N+1: ms per call by loading strategy',
    'strategy',
    (r) => {
      const { ms, low, high } = msPerOp(r);
      return { value: ms, low, high };
    },
    'ms per call',
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
