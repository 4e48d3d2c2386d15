import { prng } from '@dal/db';

/** The dataset's seedable PRNG: the same seed gives every implementation the same sequence of inputs. */
export const random = prng;

/** An integer in [1, max]. */
export const pick = (next: () => number, max: number) => 1 + Math.floor(next() * max);

/**
 * The first `n` inputs of every timed round's seeded sequence (rounds 1..`rounds`, seed `base + round`), as
 * the rounds draw them: what verification checks, so it covers the inputs that are timed.
 */
export function roundInputs<T>(
  base: number,
  rounds: number,
  n: number,
  draw: (next: () => number) => T,
): T[] {
  const out: T[] = [];
  for (let round = 1; round <= rounds; round++) {
    const next = random(base + round);
    for (let i = 0; i < n; i++) out.push(draw(next));
  }
  return out;
}

/** A volatile value (a `now()` timestamp) replaced by a marker, after checking it is a recent Date. */
export function volatileDate(value: unknown): string {
  if (!(value instanceof Date) || Math.abs(Date.now() - value.getTime()) > 10 * 60_000) {
    return `not a current Date: ${String(value)}`;
  }
  return '<now()>';
}
