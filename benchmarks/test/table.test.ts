import { expect, test } from 'vitest';
import { fmt, fmtCount } from '../src/report/table';

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
