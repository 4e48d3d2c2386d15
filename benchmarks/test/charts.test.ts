import { expect, test } from 'vitest';
import { renderCharts } from '../src/report/charts';
import type { CaseResult, ScenarioReport } from '../src/runner';
import type { Scenario } from '../src/scenario';

const result = (
  scenario: string,
  labels: Record<string, string | number>,
  impl: string,
  ops: number,
): CaseResult => ({
  scenario,
  case: Object.values(labels).join(' '),
  labels,
  impl,
  concurrency: 1,
  stats: { samples: 10, mean: 1000 / ops, p50: 1000 / ops, p99: null, min: 1, max: 2, sd: 0.1 },
  roundOpsPerSec: [ops * 0.9, ops, ops * 1.1],
  opsPerSec: ops,
  opsPerSecInterval: [ops * 0.8, ops * 1.2],
  rate: null,
  ratio: null,
  ratioInterval: null,
  counts: null,
  statementsPerOpInRounds: null,
  observed: {},
  rounds: [],
});

const report = (id: string, results: CaseResult[]): ScenarioReport => ({
  scenario: { id } as Scenario,
  cases: [],
  results,
});

const symbols = (svg: string) =>
  [...svg.matchAll(/role-legend-symbol[^>]*>(<path[^>]*>)/g)].map((m) => m[1]!);

test('line-style legends draw a solid and a dashed stroke, not the same dot; every point has an error bar', async () => {
  const pooling = report(
    'pooling',
    ['unnamed', 'prepared'].flatMap((statements) =>
      [1, 8].map((pool) => result('pooling', { pool, statements, callers: 64 }, 'pg', 1000 * pool)),
    ),
  );
  const pagination = report(
    'pagination',
    ['offset', 'keyset'].flatMap((method) =>
      [1, 10].map((depth) => result('pagination', { method, depth }, 'pg', 100 * depth)),
    ),
  );
  const charts = await renderCharts([pooling, pagination]);
  for (const file of ['pooling.svg', 'pagination.svg']) {
    const svg = charts.find((c) => c.file === file)!.svg;
    const dashes = symbols(svg)
      .filter((p) => p.includes('stroke-dasharray'))
      .map((p) => {
        expect(p).toContain('stroke="black"');
        return p.match(/stroke-dasharray="([^"]+)"/)![1];
      });
    // one legend entry per line style, each drawn as a line with its own dash pattern
    expect(new Set(dashes).size).toBe(2);
    // the intervals: one vertical rule per point (4 points)
    const rules = [...svg.matchAll(/class="mark-rule role-mark[^>]*>(.*?)<\/g>/g)].map((m) => m[1]!);
    expect(rules.join('').match(/<line /g)).toHaveLength(4);
  }
});
