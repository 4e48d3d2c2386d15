import { inspect, isDeepStrictEqual } from 'node:util';

const show = (value: unknown) =>
  inspect(value, { depth: 2, breakLength: Number.POSITIVE_INFINITY, maxArrayLength: 5, maxStringLength: 80 });

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

/**
 * The first place where `actual` differs from `expected`, as a path and both values
 * (e.g. `[3].items[0].product.name: expected 'Product 12', got undefined`); null when they deep-equal.
 */
export function firstDifference(expected: unknown, actual: unknown, path = ''): string | null {
  if (isDeepStrictEqual(expected, actual)) return null;
  const here = path || '(root)';
  if (kind(expected) !== kind(actual)) {
    return `${here}: expected ${kind(expected)} ${show(expected)}, got ${kind(actual)} ${show(actual)}`;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    return `${here}: expected ${expected.length} elements, got ${actual.length}`;
  }
  if (kind(expected) === 'object') {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const missing = Object.keys(e).filter((k) => !(k in a));
    const extra = Object.keys(a).filter((k) => !(k in e));
    if (missing.length || extra.length) {
      return `${here}: ${[
        missing.length ? `missing key(s) ${missing.join(', ')}` : '',
        extra.length ? `extra key(s) ${extra.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ')}`;
    }
    for (const key of Object.keys(e)) {
      const found = firstDifference(e[key], a[key], `${path}.${key}`);
      if (found) return found;
    }
    if (Object.getPrototypeOf(e) !== Object.getPrototypeOf(a)) return `${here}: different prototypes`;
  }
  return `${here}: expected ${show(expected)}, got ${show(actual)}`;
}
