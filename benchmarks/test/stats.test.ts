import { describe, expect, it } from 'vitest';
import { quantile, summarize, tCritical } from '../src/stats';

describe('summarize', () => {
  it('computes the median, p99, mean, spread and margin of error of latency samples', () => {
    const samples = [5, 1, 4, 2, 3];
    const s = summarize(samples, { concurrency: 1, wallMs: 0, operations: 0 });
    expect(s.samples).toBe(5);
    expect(s.mean).toBe(3);
    expect(s.p50).toBe(3);
    expect(s.p99).toBeCloseTo(4.96, 10);
    expect(s.min).toBe(1);
    expect(s.max).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 10);
    // 95% margin: t(4) * sd / sqrt(n), relative to the mean
    expect(s.rme).toBeCloseTo((100 * 2.776 * (Math.sqrt(2.5) / Math.sqrt(5))) / 3, 6);
    expect(s.opsPerSec).toBeCloseTo(1000 / 3, 10);
  });

  it('takes the throughput of a closed loop from completed operations over elapsed time', () => {
    const s = summarize([10, 10, 10, 10], { concurrency: 64, wallMs: 500, operations: 3200 });
    expect(s.opsPerSec).toBe(6400);
    expect(s.mean).toBe(10);
  });

  it('reports no margin of error for a single sample and refuses none', () => {
    expect(Number.isNaN(summarize([7], { concurrency: 1, wallMs: 0, operations: 0 }).rme)).toBe(true);
    expect(() => summarize([], { concurrency: 1, wallMs: 0, operations: 0 })).toThrow();
  });

  it('interpolates quantiles and knows Student t', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(tCritical(1)).toBe(12.706);
    expect(tCritical(10_000)).toBe(1.96);
  });
});
