import { describe, expect, it } from 'vitest';
import {
  balancedOrder,
  compareIntervals,
  contains,
  medianInterval,
  orderStatisticRank,
  overlaps,
  ratioInterval,
  ratioVerdict,
  relativeHalfWidth,
  roundOpsPerSec,
} from '../src/intervals';
import { random } from '../src/random';

// ten rounds of a task with a realistic spread (±5%, one slow round)
const rounds = [1000, 1020, 980, 1010, 995, 1030, 970, 1005, 990, 900];

describe('medianInterval', () => {
  it('gives identical rounds a zero-width interval at their value', () => {
    expect(medianInterval([500, 500, 500, 500, 500])).toMatchObject({
      value: 500,
      interval: [500, 500],
      rounds: 5,
    });
  });

  it('brackets the median of the rounds inside their range', () => {
    const e = medianInterval(rounds);
    expect(e.value).toBe(1000 - 2.5); // median of 10: mean of 995 and 1000
    expect(e.interval[0]).toBeLessThan(e.value);
    expect(e.interval[1]).toBeGreaterThan(e.value);
    expect(e.interval[0]).toBeGreaterThanOrEqual(970);
    expect(e.interval[1]).toBeLessThanOrEqual(1030);
    expect(e.interval).toEqual([970, 1020]);
    expect(relativeHalfWidth(e)).toBeLessThan(0.03);
  });

  it('is the 2nd to 9th of 10 sorted rounds (97.9%), [min, max] of 5 (93.75%, no pair reaches 95%)', () => {
    expect(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toMatchObject({ value: 5.5, interval: [2, 9] });
    expect(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).confidence).toBeCloseTo(1 - 22 / 1024, 12);
    expect(medianInterval([3, 1, 5, 2, 4])).toMatchObject({ interval: [1, 5], confidence: 1 - 2 / 32 });
    expect(medianInterval([3, 1, 2]).confidence).toBeCloseTo(0.75, 12);
  });

  it('picks the rank from the binomial distribution: the widest coverage at least 95%', () => {
    // n: k  (1 - 2 P(Bin(n, 1/2) < k))
    expect(orderStatisticRank(6)).toEqual({ k: 1, coverage: 1 - 2 / 64 });
    expect(orderStatisticRank(8).k).toBe(1);
    expect(orderStatisticRank(9).k).toBe(2);
    expect(orderStatisticRank(12).k).toBe(3);
    expect(orderStatisticRank(15).k).toBe(4);
    for (let n = 6; n <= 40; n++) expect(orderStatisticRank(n).coverage).toBeGreaterThanOrEqual(0.95);
  });

  it('does not care about order and refuses nothing-to-go-on', () => {
    expect(medianInterval([...rounds].reverse())).toEqual(medianInterval(rounds));
    expect(() => medianInterval([])).toThrow();
    expect(() => medianInterval([1, Number.NaN])).toThrow();
  });
});

describe('ratioInterval', () => {
  it('is exactly 1 with a zero-width interval when the library runs like raw pg in every round', () => {
    const r = ratioInterval(rounds, rounds);
    expect(r.value).toBe(1);
    expect(r.interval).toEqual([1, 1]);
    expect(ratioVerdict(r.interval)).toBe('same');
  });

  it('pairs rounds: a library half as fast in every round is 2× even when rounds drift by 30%', () => {
    const pg = [1000, 1300, 700, 1100, 900, 1250, 750, 1000, 1200, 800];
    const lib = pg.map((x) => x / 2);
    expect(ratioInterval(pg, lib)).toMatchObject({ value: 2, interval: [2, 2], rounds: 10 });
    // unpaired, the two medians' intervals would overlap: the drift between rounds would hide the factor 2
    expect(overlaps(medianInterval(pg).interval, medianInterval(lib.map((x) => x * 1.6)).interval)).toBe(
      true,
    );
  });

  it('reads ≈ pg when the interval includes 1, slower or faster otherwise', () => {
    const noisy = rounds.map((x, i) => x * (i % 2 ? 1.04 : 0.97));
    expect(ratioVerdict(ratioInterval(rounds, noisy).interval)).toBe('same');
    expect(
      ratioVerdict(
        ratioInterval(
          rounds,
          rounds.map((x) => x / 1.3),
        ).interval,
      ),
    ).toBe('slower');
    expect(
      ratioVerdict(
        ratioInterval(
          rounds,
          rounds.map((x) => x * 1.3),
        ).interval,
      ),
    ).toBe('faster');
  });

  it('refuses rounds that cannot be paired', () => {
    expect(() => ratioInterval([1, 2, 3], [1, 2])).toThrow();
  });
});

describe('telling results apart', () => {
  it('detects a shifted copy of the rounds as a change, and the same rounds as none', () => {
    const a = medianInterval(rounds).interval;
    const shifted = medianInterval(rounds.map((x) => x * 1.15)).interval;
    expect(compareIntervals(shifted, a)).toBe('higher');
    expect(compareIntervals(a, shifted)).toBe('lower');
    expect(compareIntervals(a, medianInterval([...rounds].reverse()).interval)).toBe('same');
  });

  it('treats touching intervals as overlapping and knows what an interval contains', () => {
    expect(overlaps([1, 2], [2, 3])).toBe(true);
    expect(overlaps([1, 2], [2.01, 3])).toBe(false);
    expect(contains([0.9, 1.1], 1)).toBe(true);
    expect(contains([1.01, 1.1], 1)).toBe(false);
  });
});

describe("a second run's median against the first run's interval", () => {
  // Two runs whose rounds come from one and the same distribution: how often the second run's median lies inside
  // the first run's interval (bench:compare's "inside the other run's interval"). Not 95%: the second median
  // has noise of its own, so the share is below the interval's coverage (benchmarks/README.md, Statistics).
  const insideShare = (rounds: number, trials = 10_000) => {
    const next = random(0x51de);
    // normal rounds (Box–Muller): the share depends on the ranks, not on the shape
    const round = () => 1000 + 50 * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const run = () => Array.from({ length: rounds }, round);
    let inside = 0;
    for (let t = 0; t < trials; t++) {
      if (contains(medianInterval(run()).interval, medianInterval(run()).value)) inside++;
    }
    return inside / trials;
  };

  it('is about 92% at 10 rounds, 88% at 15 and 96% at 8 (whose interval is [min, max])', () => {
    const [eight, ten, fifteen] = [insideShare(8), insideShare(10), insideShare(15)];
    expect(Math.abs(ten - 0.92)).toBeLessThan(0.015);
    expect(Math.abs(fifteen - 0.88)).toBeLessThan(0.015);
    expect(Math.abs(eight - 0.96)).toBeLessThan(0.015);
    // more rounds: a narrower interval, and a second run's median outside it more often
    expect(fifteen).toBeLessThan(ten);
  });
});

describe('roundOpsPerSec', () => {
  it('is 1000 / mean latency for one caller and completed / elapsed for a closed loop', () => {
    expect(roundOpsPerSec({ samples: [2, 4, 6], wallMs: 99, completed: 3 }, 1)).toBe(250);
    expect(roundOpsPerSec({ samples: [10, 10], wallMs: 500, completed: 3200 }, 64)).toBe(6400);
  });
});

describe('balancedOrder', () => {
  const impls = [
    'pg',
    'kysely',
    'knex',
    'drizzle',
    'prisma',
    'typeorm',
    'postgresjs',
    'mikroorm',
    'sequelize',
  ];

  it('puts every implementation in every position once within each block of n rounds', () => {
    for (const block of [0, 1]) {
      const positions = new Map(impls.map((i) => [i, new Set<number>()]));
      for (let r = 1; r <= impls.length; r++) {
        const order = balancedOrder(impls, block * impls.length + r, 7, 3);
        expect([...order].sort()).toEqual([...impls].sort());
        for (const [pos, impl] of order.entries()) positions.get(impl)!.add(pos);
      }
      for (const seen of positions.values()) expect(seen.size).toBe(impls.length);
    }
  });

  it('is seeded: the same seed gives the same order, blocks and cases differ', () => {
    expect(balancedOrder(impls, 4, 7, 0)).toEqual(balancedOrder(impls, 4, 7, 0));
    const firsts = new Set([1, 10, 19, 28].map((r) => balancedOrder(impls, r, 7, 0).join()));
    expect(firsts.size).toBeGreaterThan(1);
    expect(balancedOrder(['pg'], 3, 7)).toEqual(['pg']);
  });
});
