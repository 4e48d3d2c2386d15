import { describe, expect, test } from 'vitest';
import { formatMicros, generateDataset, SCALES } from '../src/index';

const lines = (source: () => Iterable<string>) => [...source()];

describe('dataset generator', () => {
  test('the same seed and scale give the same rows; another seed gives others', () => {
    const a = generateDataset('test', 42);
    const b = generateDataset('test', 42);
    const c = generateDataset('test', 43);
    expect(lines(a.orders)).toEqual(lines(b.orders));
    expect(lines(a.orderItems)).toEqual(lines(b.orderItems));
    expect(lines(a.customers)).toEqual(lines(b.customers));
    expect(lines(a.orders)).not.toEqual(lines(c.orders));
  });

  test('sizes follow the scale; about three items an order', () => {
    const data = generateDataset('test');
    expect(lines(data.orders)).toHaveLength(SCALES.test.orders);
    expect(lines(data.customers)).toHaveLength(SCALES.test.customers);
    const items = lines(data.orderItems).length;
    expect(items / SCALES.test.orders).toBeGreaterThan(2.5);
    expect(items / SCALES.test.orders).toBeLessThan(3.5);
  });

  test('created_at has exact ties and sub-millisecond neighbours', () => {
    const times = lines(generateDataset('quick').orders).map((l) => l.trim().split('\t')[4]!);
    const exact = times.length - new Set(times).size;
    const millis = times.length - new Set(times.map((t) => t.slice(0, 23))).size;
    expect(exact).toBeGreaterThan(times.length * 0.05);
    expect(millis).toBeGreaterThan(exact); // same millisecond, other microseconds
    expect(times.every((t) => /\.\d{6}\+00$/.test(t))).toBe(true);
  });

  test('order totals equal the sum of their items', () => {
    const data = generateDataset('test');
    const totals = new Map<number, number>();
    for (const line of lines(data.orderItems)) {
      const [, orderId, , quantity, price] = line.trim().split('\t').map(Number);
      totals.set(orderId!, (totals.get(orderId!) ?? 0) + quantity! * price!);
    }
    for (const line of lines(data.orders)) {
      const [id, , , total] = line.split('\t');
      expect(totals.get(Number(id))).toBe(Number(total));
    }
  });

  test('formatMicros keeps microseconds exactly', () => {
    expect(formatMicros(1_704_067_200_000_001n)).toBe('2024-01-01 00:00:00.000001+00');
    expect(formatMicros(1_704_067_200_123_456n)).toBe('2024-01-01 00:00:00.123456+00');
  });
});
