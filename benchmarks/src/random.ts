/** mulberry32: the same seed gives every implementation the same sequence of inputs. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [1, max]. */
export const pick = (next: () => number, max: number) => 1 + Math.floor(next() * max);

/** A volatile value (a `now()` timestamp) replaced by a marker, after checking it is a recent Date. */
export function volatileDate(value: unknown): string {
  if (!(value instanceof Date) || Math.abs(Date.now() - value.getTime()) > 10 * 60_000) {
    return `not a current Date: ${String(value)}`;
  }
  return '<now()>';
}
