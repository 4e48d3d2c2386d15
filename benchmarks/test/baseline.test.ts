import { expect, test } from 'vitest';
import type { PgbenchBaseline } from '../src/pgbench';
import { pgbenchComparison } from '../src/report/baseline';
import type { ScenarioReport } from '../src/runner';

const result = (impl: string, pool: number, statements: string, opsPerSec: number) => ({
  impl,
  labels: { pool, statements, callers: 64 },
  opsPerSec,
});
const pooling = {
  scenario: { id: 'pooling' },
  results: [
    result('pg', 4, 'unnamed', 15_000),
    result('pg', 8, 'unnamed', 16_000),
    result('pg', 4, 'prepared', 29_000),
    result('pg', 8, 'prepared', 24_000),
    result('drizzle', 4, 'prepared', 40_000), // not raw pg: not the comparison
  ],
} as unknown as ScenarioReport;
const baseline: PgbenchBaseline = {
  version: 'pgbench (PostgreSQL) 15.20',
  database: 'dal_pgbench',
  scale: 10,
  clients: 8,
  threads: 2,
  ranAfter: 'pooling',
  runs: [
    { mode: 'simple', command: 'pgbench -S -c 8 -j 2 -T 10 -M simple', tps: 40_000, latencyMs: 0.2 },
    { mode: 'prepared', command: 'pgbench -S -c 8 -j 2 -T 10 -M prepared', tps: 50_000, latencyMs: 0.16 },
  ],
};

test("raw pg's best pool size per statement mode, as a share of pgbench's simple-protocol tps", () => {
  const text = pgbenchComparison(baseline, [pooling])!;
  expect(text).toContain('`pgbench -S -c 8 -j 2 -T 10 -M simple` 40,000 tps');
  expect(text).toContain('unnamed statements, best pool size (8, 64 callers): 16,000 ops/s = 40% of');
  expect(text).toContain('prepared statements, best pool size (4, 64 callers): 29,000 ops/s = 73% of');
  // like for like too: prepared against pgbench -M prepared (58% of 50,000), but only for prepared
  expect(text).toContain(
    "73% of pgbench's 40,000 tps (simple protocol), 58% of its 50,000 tps with -M prepared.",
  );
  expect(text.match(/with -M prepared/g)).toHaveLength(1);
  expect(text).toContain('run straight after pooling');
});

test('a skipped or absent baseline', () => {
  expect(pgbenchComparison({ skipped: 'pgbench is not on PATH' }, [pooling])).toBe(
    'pgbench baseline: n/a (pgbench is not on PATH).',
  );
  expect(pgbenchComparison(null, [pooling])).toBeNull();
});
