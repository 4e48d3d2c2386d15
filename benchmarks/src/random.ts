import { prng } from '@dal/db';

/** The dataset's seedable PRNG: the same seed gives every implementation the same sequence of inputs. */
export const random = prng;

/** An integer in [1, max]. */
export const pick = (next: () => number, max: number) => 1 + Math.floor(next() * max);

/** A volatile value (a `now()` timestamp) replaced by a marker, after checking it is a recent Date. */
export function volatileDate(value: unknown): string {
  if (!(value instanceof Date) || Math.abs(Date.now() - value.getTime()) > 10 * 60_000) {
    return `not a current Date: ${String(value)}`;
  }
  return '<now()>';
}
