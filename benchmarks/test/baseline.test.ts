import { expect, test } from 'vitest';
import { PGBENCH_SCRIPT, type PgbenchInfo, parsePgbench, steadyState } from '../src/pgbench';
import { pgbenchComparison } from '../src/report/baseline';
import type { ScenarioReport } from '../src/runner';

const result = (
  impl: string,
  pool: number,
  statements: string,
  opsPerSec: number,
  ratio: number | null = null,
  ratioInterval: [number, number] | null = null,
) => ({
  impl,
  case: statements === 'prepared' ? `pool ${pool} prepared` : `pool ${pool}`,
  labels: { pool, statements, callers: 64 },
  opsPerSec,
  ratio,
  ratioInterval,
});
const pooling = {
  scenario: { id: 'pooling' },
  results: [
    result('pg', 8, 'unnamed', 16_000),
    result('pgbench', 8, 'unnamed', 38_000, 0.42, [0.4, 0.45]),
    result('pg', 8, 'prepared', 24_000),
    result('pgbench', 8, 'prepared', 48_000, 0.5, [0.47, 0.53]),
    result('pg', 1, 'unnamed', 9_000),
    result('pgbench', 1, 'unnamed', 9_100, 0.99, [0.95, 1.04]),
  ],
} as unknown as ScenarioReport;
const info: PgbenchInfo = {
  version: 'pgbench (PostgreSQL) 15.20',
  path: 'pgbench',
  script: PGBENCH_SCRIPT,
  how: '',
};

test('raw pg ÷ pgbench per pool size and mode, like for like, with the per-round interval', () => {
  const text = pgbenchComparison(info, [pooling])!;
  expect(text).toContain(
    'Raw pg unnamed ÷ pgbench -M extended: pool 8: 16,000 vs 38,000 ops/s = 0.42× (0.40–0.45); pool 1: 9,000 vs 9,100 ops/s = ≈ pg (0.95–1.04).',
  );
  expect(text).toContain(
    'Raw pg prepared ÷ pgbench -M prepared: pool 8: 24,000 vs 48,000 ops/s = 0.50× (0.47–0.53).',
  );
});

test('the script is getProduct’s statement with a random id among the products', () => {
  expect(PGBENCH_SCRIPT).toContain('\\set id random(1, :products)');
  expect(PGBENCH_SCRIPT).toContain(
    'SELECT id, sku, name, price_cents, stock, version, updated_at FROM products WHERE id = :id;',
  );
});

test("pgbench's output parsed; no tps is an error", () => {
  const out =
    'number of transactions actually processed: 800/800\nnumber of failed transactions: 0 (0.000%)\nlatency average = 0.412 ms\ntps = 19401.123 (without initial connection time)\n';
  expect(parsePgbench(out)).toEqual({ tps: 19401.123, processed: 800, failed: 0 });
  expect(() => parsePgbench('connection refused')).toThrow(/no tps/);
});

test('a skipped baseline, or no pooling', () => {
  expect(pgbenchComparison({ skipped: 'pgbench is not installed' }, [pooling])).toBe(
    'pgbench baseline: n/a (pgbench is not installed).',
  );
  expect(pgbenchComparison(null, [pooling])).toBeNull();
  expect(pgbenchComparison(info, [])).toBeNull();
});

test("pgbench's steady window: each client's cold first transactions and the ragged end are left out", () => {
  // `client transaction latency_us script epoch_s epoch_us`: client 0 ends at 5.000–5.400 ms past 100 s, client 1
  // at 5.150–5.550; each one's first transaction is cold (5 ms)
  const line = (client: number, n: number, latencyUs: number, endUs: number) =>
    `${client} ${n} ${latencyUs} 0 100 ${endUs}`;
  const log = [0, 1].flatMap((client) =>
    [0, 1, 2, 3, 4].map((n) => line(client, n, n === 0 ? 5000 : 100, 5000 + client * 150 + n * 100)),
  );
  // from client 1's first end (5150) to client 0's last (5400): 5200, 5300, 5400 and 5250, 5350
  expect(steadyState([...log, ''], 1)).toEqual({
    samples: [0.1, 0.1, 0.1, 0.1, 0.1],
    wallMs: 0.25,
    completed: 5,
    total: 10,
  });
  expect(() => steadyState(log, 5)).toThrow(/no transactions past each client's first 5/);
  // client 1 starts after client 0 has finished: no moment when both were busy
  const apart = [0, 1].flatMap((client) => [0, 1].map((n) => line(client, n, 100, client * 1000 + n * 100)));
  expect(() => steadyState(apart, 1)).toThrow(/too briefly/);
});
