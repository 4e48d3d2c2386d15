import { prng } from '@dal/db';
import { binomialDistribution, medianSorted } from 'simple-statistics';

/**
 * Round-based estimates. The round is the unit of replication: the samples inside one round share the
 * machine's state of that moment (other processes, CPU frequency, the server's caches), so they are not
 * independent draws, and a margin of error computed from them claims a precision that the next round does
 * not keep. What varies independently is one round against another, so every figure is a statistic over
 * rounds: the median of the rounds' ops/s, and the median of the per-round ratios to raw pg (raw pg and the
 * library timed in the same round, moments apart).
 *
 * Interval: the distribution-free confidence interval of a median from order statistics. Each round falls
 * below the true median with probability 1/2, so the number below it is Binomial(n, 1/2), and the k-th
 * smallest to the k-th largest round cover the median with probability 1 - 2·P(Binomial(n, 1/2) < k). k is
 * the largest for which that is at least 95%: the 2nd to 9th of 10 sorted rounds (97.9%), the 3rd to 10th
 * of 12 (96.1%), the 4th to 12th of 15 (96.5%). It assumes nothing about the shape of the distribution
 * (rounds are skewed: a round that met a noisy neighbour is slow, none is ever much faster), it is centred
 * on the same median that is published, it is exact for small n where a bootstrap or a normal
 * approximation is not, and it needs no random numbers. Below 6 rounds no pair of rounds reaches 95%: the
 * interval is then [min, max] and `confidence` says what it covers (93.75% at 5 rounds, 75% at 3).
 * Binomial probabilities and the median come from simple-statistics.
 */
export const CONFIDENCE = 0.95;

export type Interval = [low: number, high: number];

export interface Estimate {
  /** The median over rounds. */
  value: number;
  /** The order-statistic interval of the median. */
  interval: Interval;
  /** Its exact coverage: at least CONFIDENCE from 6 rounds on, less below. */
  confidence: number;
  /** Rounds it is computed from. */
  rounds: number;
}

/**
 * k (1-based) such that the k-th smallest and k-th largest of n values bound the median with probability
 * `coverage` = 1 - 2·P(Binomial(n, 1/2) < k) >= `confidence`; k = 1 (min, max) when no rank reaches it.
 */
export function orderStatisticRank(n: number, confidence = CONFIDENCE): { k: number; coverage: number } {
  const pmf = binomialDistribution(n, 0.5) ?? [];
  let k = 1;
  let below = pmf[0] ?? 0; // P(Binomial(n, 1/2) < k)
  while (k < Math.ceil(n / 2)) {
    const wider = below + (pmf[k] ?? 0);
    if (1 - 2 * wider < confidence) break;
    k++;
    below = wider;
  }
  return { k, coverage: 1 - 2 * below };
}

/** Median of `values` (one per round) with its distribution-free 95% interval. */
export function medianInterval(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new Error(`medianInterval needs finite values, got [${values.join(', ')}]`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const { k, coverage } = orderStatisticRank(n);
  return {
    value: medianSorted(sorted),
    interval: [sorted[k - 1]!, sorted[n - k]!],
    confidence: coverage,
    rounds: n,
  };
}

/**
 * Raw pg's ops/s divided by the library's, round by round (the pair timed in the same round), as the median
 * of those ratios with its interval: each pair is one value, so the pairing is kept.
 * 1.5 = the library needs 50% more time per operation than raw pg.
 */
export function ratioInterval(reference: readonly number[], values: readonly number[]): Estimate {
  if (reference.length !== values.length) {
    throw new Error(`ratio of ${reference.length} reference rounds to ${values.length} rounds`);
  }
  return medianInterval(values.map((v, i) => reference[i]! / v));
}

/** Whether `x` lies inside the closed interval. */
export const contains = ([low, high]: Interval, x: number): boolean => x >= low && x <= high;

/** Whether two closed intervals share a point. */
export const overlaps = (a: Interval, b: Interval): boolean => a[0] <= b[1] && b[0] <= a[1];

/** Half the interval's width relative to its estimate (0.05 = ±5%). */
export const relativeHalfWidth = (e: { value: number; interval: Interval }): number =>
  (e.interval[1] - e.interval[0]) / 2 / e.value;

/**
 * The verdict on a ratio to raw pg: "≈ pg" when its interval includes 1, otherwise slower (> 1) or faster
 * (< 1) than raw pg.
 */
export function ratioVerdict(interval: Interval): 'same' | 'slower' | 'faster' {
  if (contains(interval, 1)) return 'same';
  return interval[0] > 1 ? 'slower' : 'faster';
}

/**
 * Two estimates of throughput (or time): a difference only when their intervals do not overlap. For
 * ops/s, 'higher' = a is faster.
 */
export function compareIntervals(a: Interval, b: Interval): 'same' | 'higher' | 'lower' {
  if (overlaps(a, b)) return 'same';
  return a[0] > b[1] ? 'higher' : 'lower';
}

/** Ops/s of one round: 1000 / mean latency for one caller; completed operations / elapsed time for a closed loop. */
export function roundOpsPerSec(
  round: { samples: readonly number[]; wallMs: number; completed: number },
  concurrency: number,
): number {
  if (concurrency > 1) return round.completed / (round.wallMs / 1000);
  const n = round.samples.length;
  if (n === 0) return Number.NaN;
  const mean = round.samples.reduce((s, x) => s + x, 0) / n;
  return mean > 0 ? 1000 / mean : Number.POSITIVE_INFINITY;
}

/**
 * The order of `items` in round `round` (1-based): a balanced design. Rounds come in blocks of n (the
 * number of items); each block rotates one seeded shuffle of the items, so within a block every item takes
 * every position exactly once, and the shuffle differs between blocks and cases (seeded by `seed`, the
 * block and `salt`), so no item always follows the same neighbour. With rounds a multiple of n the whole
 * run is balanced; otherwise the last, partial block is the only imbalance.
 */
export function balancedOrder<T>(items: readonly T[], round: number, seed: number, salt = 0): T[] {
  const n = items.length;
  if (n <= 1) return [...items];
  const r = Math.max(0, round - 1);
  const block = Math.floor(r / n);
  const next = prng((seed ^ Math.imul(block + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0);
  // Fisher–Yates with the seeded generator
  const base = [...items];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [base[i], base[j]] = [base[j]!, base[i]!];
  }
  const k = r % n;
  return [...base.slice(k), ...base.slice(0, k)];
}
