import { describe, expect, it } from 'vitest';
import { quantile, summarize } from '../src/stats';

describe('summarize', () => {
  it('describes latency samples: median, mean, spread; no margin of error from samples of one round', () => {
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ samples: 5, mean: 3, p50: 3, min: 1, max: 5 });
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 10);
    expect(s).not.toHaveProperty('rme');
  });

  it('reports p99 only from 100 samples on', () => {
    expect(summarize(Array.from({ length: 99 }, (_, i) => i)).p99).toBeNull();
    expect(summarize(Array.from({ length: 101 }, (_, i) => i)).p99).toBeCloseTo(99, 10);
  });

  it('refuses no samples', () => {
    expect(() => summarize([])).toThrow();
  });

  it('interpolates quantiles', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
  });
});
