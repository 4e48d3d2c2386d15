import { expect, test } from 'vitest';
import { fmt, fmtCount, fmtEstimate, fmtRatio } from '../src/report/table';

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
