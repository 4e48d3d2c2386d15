import { describe, expect, it } from 'vitest';
import { firstDifference } from '../src/verify';

const order = (name: string, extra: Record<string, unknown> = {}) => ({
  id: 7,
  createdAt: new Date('2024-05-01T10:00:00.123Z'),
  items: [{ id: 1, product: { id: 3, sku: 'SKU-3', name } }],
  ...extra,
});

describe('firstDifference', () => {
  it('is null when the outputs deep-equal', () => {
    expect(firstDifference([order('a')], [order('a')])).toBeNull();
  });

  it('names the path and both values of the first difference', () => {
    expect(firstDifference([order('a')], [order('b')])).toBe(
      "[0].items[0].product.name: expected 'a', got 'b'",
    );
  });

  it('reports extra and missing keys', () => {
    expect(firstDifference(order('a'), order('a', { cursor_at: 'x' }))).toBe(
      '(root): extra key(s) cursor_at',
    );
    const { createdAt: _, ...withoutDate } = order('a');
    expect(firstDifference(order('a'), withoutDate)).toBe('(root): missing key(s) createdAt');
  });

  it('tells a Date from its text and a number from a string', () => {
    expect(firstDifference({ at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' })).toMatch(
      /^\.at: expected Date .*, got string/,
    );
    expect(firstDifference({ balance: 10 }, { balance: '10' })).toBe(
      ".balance: expected number 10, got string '10'",
    );
  });

  it('reports arrays of different lengths', () => {
    expect(firstDifference([1, 2, 3], [1, 2])).toBe('(root): expected 3 elements, got 2');
  });
});
