/** Latency statistics of one task's samples (ms), pooled over its rounds: a description, not an estimate. */
export interface Stats {
  samples: number;
  mean: number;
  p50: number;
  /** null with fewer than P99_MIN_SAMPLES samples: the 99th percentile of 20 samples is their maximum. */
  p99: number | null;
  min: number;
  max: number;
  sd: number;
}

/** p99 is reported only from this many samples on. */
export const P99_MIN_SAMPLES = 100;

/** The q-quantile of ascending `sorted` samples, interpolated linearly between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Latency statistics of samples in ms. There is no margin of error here on purpose: samples of one round
 * are not independent of each other, so the precision of a result comes from its rounds (see intervals.ts).
 */
export function summarize(samples: readonly number[]): Stats {
  const n = samples.length;
  if (n === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  return {
    samples: n,
    mean,
    p50: quantile(sorted, 0.5),
    p99: n >= P99_MIN_SAMPLES ? quantile(sorted, 0.99) : null,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    sd: Math.sqrt(variance),
  };
}
