/** Summary statistics of one task's latency samples (ms), pooled over every round. */
export interface Stats {
  samples: number;
  mean: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  sd: number;
  /** Relative margin of error of the mean at 95% confidence, in percent. */
  rme: number;
  /** Operations per second: 1000 / mean for one caller; completed operations / wall time for a closed loop. */
  opsPerSec: number;
}

// two-sided 95% critical values of Student's t for 1..30 degrees of freedom
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tCritical(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T95[df - 1]!;
  if (df <= 60) return 2.0;
  if (df <= 120) return 1.98;
  return 1.96;
}

/** The q-quantile of ascending `sorted` samples, interpolated linearly between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Statistics of latency samples in ms. A closed loop with several concurrent callers has its throughput from
 * the operations completed in the elapsed time of its timed phases (`operations` / `wallMs`).
 */
export function summarize(
  samples: readonly number[],
  run: { concurrency: number; wallMs: number; operations: number },
): Stats {
  const n = samples.length;
  if (n === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const variance = n > 1 ? sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const moe = n > 1 ? tCritical(n - 1) * (sd / Math.sqrt(n)) : Number.NaN;
  return {
    samples: n,
    mean,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    min: sorted[0]!,
    max: sorted[n - 1]!,
    sd,
    rme: mean > 0 ? (100 * moe) / mean : Number.NaN,
    opsPerSec:
      run.concurrency > 1
        ? run.operations / (run.wallMs / 1000)
        : mean > 0
          ? 1000 / mean
          : Number.POSITIVE_INFINITY,
  };
}
