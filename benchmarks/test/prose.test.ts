import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Figures, fillProse, handTyped, num, PROSE_FILES, staleFigures } from '../src/prose';

const figures = new Figures();

/** A raw.json result row of one caller with these rounds' ops/s (spread and override for more callers). */
const oneCaller = (kase: string, impl: string, ops: number[]) => ({
  case: kase,
  labels: {},
  impl,
  concurrency: 1,
  stats: { samples: 500, mean: 1, p50: 1, p99: 1 },
  roundOpsPerSec: ops,
  rate: null,
  counts: null,
});

describe('figures in prose come from the committed reference raw.json', () => {
  for (const file of PROSE_FILES) {
    const text = readFileSync(file, 'utf8');
    const name = file.replace(/^.*\/(benchmarks\/results\/)?/, (m) =>
      m.includes('results') ? 'benchmarks/results/' : '',
    );

    it(`${name}: every figure equals what the data says (pnpm --filter @dal/benchmarks prose fixes it)`, () => {
      expect(text).toMatch(/<!--f:/);
      expect(staleFigures(text, figures)).toEqual([]);
    });

    it(`${name}: no figure or ranking is typed by hand`, () => {
      expect(handTyped(text)).toEqual([]);
    });
  }
});

describe('the prose checker', () => {
  const ratio = '<!--f:ratio|default|point-read|getProduct|prisma-->';

  it('catches a figure that disagrees with the data, and fills in the right one', () => {
    const right = fillProse(`Prisma: ${ratio}?<!--/f-->.`, figures);
    expect(right).toMatch(/^Prisma: <!--f:[^>]*-->\d\.\d\d× \(\d\.\d\d–\d\.\d\d\)<!--\/f-->\.$/);
    expect(staleFigures(right, figures)).toEqual([]);
    const tampered = right.replace(/-->\d\.\d\d×/, '-->1.01×');
    expect(staleFigures(tampered, figures)).toHaveLength(1);
  });

  it('refuses keys that name nothing', () => {
    expect(() => figures.value('ratio|default|point-read|getProduct|nosuchlib')).toThrow(/no result/);
    expect(() => figures.value('ratio|elsewhere|point-read|getProduct|pg')).toThrow(/unknown run/);
    expect(() => figures.value('median|default|point-read|getProduct|pg')).toThrow(/unknown figure kind/);
    expect(() => figures.value('ratio|default|point-read|getProduct|pg')).toThrow(/no ratio to raw pg/);
  });

  it('ranks two libraries only when their intervals do not overlap', () => {
    // a results directory of its own: kysely and drizzle overlap, prisma is far behind both
    const dir = mkdtempSync(join(tmpdir(), 'dal-prose-'));
    try {
      const rounds = (base: number) =>
        [1, 1.05, 0.95, 1.02, 0.98, 1.04, 0.96, 1.01, 0.99, 1.03].map((f) => base * f);
      const result = (impl: string, ops: number[]) => oneCaller('getProduct', impl, ops);
      mkdirSync(join(dir, 'reference-default'));
      writeFileSync(
        join(dir, 'reference-default', 'raw.json'),
        JSON.stringify({
          scenarios: [
            {
              scenario: 'point-read',
              results: [
                result('pg', rounds(3000)),
                result('kysely', rounds(2000)),
                result('drizzle', rounds(2040).reverse()),
                result('prisma', rounds(1000)),
              ],
            },
          ],
        }),
      );
      const own = new Figures(`${dir}/`);
      expect(own.value('vs|default|point-read|getProduct|drizzle|kysely')).toBe('level with');
      expect(own.value('vs|default|point-read|getProduct|prisma|kysely')).toBe('slower than');
      expect(own.value('vs|default|point-read|getProduct|kysely|prisma')).toBe('faster than');
      expect(own.value('factor|default|point-read|getProduct|kysely|point-read|getProduct|drizzle')).toBe(
        '≈ 1×',
      );
      expect(own.value('factor|default|point-read|getProduct|pg|point-read|getProduct|prisma')).toBe('3.0×');
      expect(own.value('ratio|default|point-read|getProduct|kysely')).toBe('1.50× (1.50–1.50)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how many rounds the run and each scenario ran, and what their intervals cover', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dal-prose-'));
    try {
      const result = (impl: string, rounds: number) =>
        oneCaller(
          'c',
          impl,
          Array.from({ length: rounds }, (_, i) => 1000 + i),
        );
      mkdirSync(join(dir, 'reference-default'));
      writeFileSync(
        join(dir, 'reference-default', 'raw.json'),
        JSON.stringify({
          scenarios: [
            { scenario: 'point-read', results: [result('pg', 15), result('kysely', 15)] },
            { scenario: 'pooling', results: [result('pg', 10)] },
          ],
        }),
      );
      writeFileSync(
        join(dir, 'reference-default', 'environment.json'),
        JSON.stringify({ run: { rounds: 10 } }),
      );
      const own = new Figures(`${dir}/`);
      // the run's own count is the profile's, not the first scenario's
      expect(own.value('rounds|default')).toBe('10');
      expect(own.value('conf|default')).toBe('97.85%');
      expect(own.value('rounds|default|point-read')).toBe('15');
      expect(own.value('conf|default|point-read')).toBe('96.48%');
      expect(() => own.value('rounds|default|upsert')).toThrow(/no results of scenario 'upsert'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads the latency proxy's self-test verdict and each case's added round trip from the run", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dal-prose-'));
    try {
      const rounds = (added: number[]) =>
        added.map((addedMs) => ({
          wallMs: 100,
          completed: 100,
          samplesMs: [1],
          proxyRoundTrip: { addedMs },
        }));
      const result = (kase: string, impl: string, added: number[]) => ({
        ...oneCaller(
          kase,
          impl,
          added.map(() => 1000),
        ),
        concurrency: 8,
        rounds: rounds(added),
      });
      const write = (addedMs: number) => {
        mkdirSync(join(dir, 'reference-latency-1ms'), { recursive: true });
        writeFileSync(
          join(dir, 'reference-latency-1ms', 'raw.json'),
          JSON.stringify({
            scenarios: [
              {
                scenario: 'pooling',
                results: [result('pool 8', 'pg', [0.9, 1.3, 1.0]), result('pool 8', 'kysely', [1.1, 0.95])],
              },
            ],
          }),
        );
        writeFileSync(
          join(dir, 'reference-latency-1ms', 'environment.json'),
          JSON.stringify({
            run: { latencyMs: 1, roundTripMs: { loadedAddedByScenario: { pooling: { addedMs } } } },
          }),
        );
        return new Figures(`${dir}/`);
      };
      expect(write(1.14).value('selftest|latency|pooling')).toBe('within');
      expect(write(0.86).value('selftest|latency|pooling')).toBe('within');
      expect(write(1.31).value('selftest|latency|pooling')).toBe('outside');
      expect(write(0.8).value('selftest|latency|pooling')).toBe('outside');
      expect(() => write(1).value('selftest|latency|point-read')).toThrow(/no loaded self-test/);
      // the median of the five rounds of both implementations: 0.9, 0.95, 1.0, 1.1, 1.3
      expect(write(1).value('added|latency|pooling|pool 8')).toBe('1.00');
      expect(() => write(1).value('added|latency|pooling|pool 32')).toThrow(/no proxied round trips/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flags figures with units and rankings outside markers, code and links', () => {
    expect(handTyped('raw pg 0.375 ms, Drizzle 1.43×, 68% of pgbench, faster than Kysely')).toEqual([
      '0.375 ms',
      '1.43×',
      '68%',
      'faster than',
    ]);
    expect(handTyped('`1.43×` and [x](a/1.5×) and <!--f:k-->2×<!--/f--> with a 1 ms latency')).toEqual([]);
  });

  it('writes three significant digits with thousands separators', () => {
    expect([num(25_512), num(5_449.6), num(71.04), num(0.9312), num(138.2)]).toEqual([
      '25,500',
      '5,450',
      '71',
      '0.931',
      '138',
    ]);
  });
});
