import { expect, test } from 'vitest';
import { fmt, fmtCount, fmtEstimate, fmtRatio, scenarioTable } from '../src/report/table';
import type { ScenarioReport } from '../src/runner';

test('counts: whole numbers as they are, merged statements keep their digits', () => {
  expect(fmtCount(241)).toBe('241');
  expect(fmtCount(2.5)).toBe('2.5');
  expect(fmtCount(0.0052)).toBe('0.0052');
  expect(fmtCount(0.25)).toBe('0.25');
  expect(fmtCount(null)).toBe('n/a');
});

test('three significant digits without exponent', () => {
  expect(fmt(0.012345)).toBe('0.0123');
  expect(fmt(12.345)).toBe('12.3');
  expect(fmt(1234.5)).toBe('1235');
});

test('a ratio reads "≈ pg" when its interval includes 1, otherwise the median with its interval', () => {
  expect(fmtRatio(1.43, [1.31, 1.58])).toBe('1.43× (1.31–1.58)');
  expect(fmtRatio(0.86, [0.7, 1.08])).toBe('≈ pg (0.70–1.08)');
  expect(fmtRatio(0.8, [0.75, 0.9])).toBe('0.80× (0.75–0.90)');
  expect(fmtRatio(null, null)).toBe('—');
  expect(fmtEstimate(5450, [5210, 5700])).toBe('5450 (5210–5700)');
});

test('a driver column appears when the run compares more than one driver (postgres.js beside node-postgres)', () => {
  const result = (impl: string) => ({
    impl,
    labels: {},
    stats: { p50: 1, p99: null, mean: 1, samples: 10 },
    opsPerSec: 1000,
    opsPerSecInterval: [900, 1100],
    roundOpsPerSec: [1000],
    rate: null,
    counts: null,
    observed: {},
    ratio: null,
    ratioInterval: null,
  });
  const report = (impls: string[]) =>
    ({ scenario: { columns: [] }, results: impls.map(result) }) as unknown as ScenarioReport;
  const drivers = new Map([
    ['pg', 'pg'],
    ['kysely', 'pg'],
    ['postgresjs', 'postgres'],
  ]);
  const mixed = scenarioTable(report(['pg', 'postgresjs']), false, drivers);
  expect(mixed.columns.slice(0, 2)).toEqual(['impl', 'driver']);
  expect(mixed.rows.map((r) => r.slice(0, 2))).toEqual([
    ['pg', 'pg'],
    ['postgresjs', 'postgres'],
  ]);
  expect(scenarioTable(report(['pg', 'kysely']), false, drivers).columns).not.toContain('driver');
});
