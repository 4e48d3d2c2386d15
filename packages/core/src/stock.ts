import { z } from 'zod';
import { InsufficientStockError, UnavailableError } from './errors';
import { idSchema } from './inputs';
import { isRetryable } from './sql-state';

/**
 * The concurrency-control strategies of `adjustStock`, the lecture on lost updates:
 * - `read-modify-write`: read the product as the library reads an entity, add in application code, save
 *   the new value, at READ COMMITTED: the classic lost update, on purpose;
 * - `repeatable-read`, `serializable`: the same read-modify-write inside a transaction at that isolation
 *   level, opened through the library's own isolation-level API, retried on SQLSTATE 40001;
 * - `atomic`: one `UPDATE ... SET stock = stock + $delta`;
 * - `pessimistic`: `SELECT ... FOR NO KEY UPDATE`, then the update, in one transaction;
 * - `optimistic`: read stock and version, `UPDATE ... WHERE version = $read` (bumping version), retried
 *   when no row matched.
 */
export const ADJUST_STRATEGIES = [
  'read-modify-write',
  'repeatable-read',
  'serializable',
  'atomic',
  'pessimistic',
  'optimistic',
] as const;
export const adjustStrategySchema = z.enum(ADJUST_STRATEGIES);
export type AdjustStrategy = z.infer<typeof adjustStrategySchema>;

/** The strategies that never lose an update (all but `read-modify-write`). */
export const SAFE_ADJUST_STRATEGIES = ADJUST_STRATEGIES.filter(
  (s) => s !== 'read-modify-write',
) as readonly Exclude<AdjustStrategy, 'read-modify-write'>[];

const INT4_MAX = 2_147_483_647;

export const stockAdjustmentSchema = z.object({
  productId: idSchema,
  /** A non-zero whole number of units, positive to add, negative to take. */
  delta: z
    .number()
    .int()
    .min(-INT4_MAX)
    .max(INT4_MAX)
    .refine((d) => d !== 0, 'must not be 0'),
});
export type StockAdjustment = z.infer<typeof stockAdjustmentSchema>;

export interface StockAdjustmentResult {
  /** The product's stock right after this call's own change. */
  stock: number;
  /** Transactions (or optimistic compare-and-set rounds) it took; 1 when nothing conflicted. */
  attempts: number;
}

/**
 * The bound on attempts of the retrying strategies (`repeatable-read`, `serializable`, `optimistic`), the
 * same for every library. High on purpose: under contention on one row PostgreSQL lets exactly one of the
 * conflicting transactions through per round, so with k callers on a row a caller loses a round with
 * probability about (k-1)/k; 50 concurrent callers on a pool of 8 need a bound far above 8 for none of them
 * to give up. Past the bound the call fails with UnavailableError (retryable).
 */
export const ADJUST_STOCK_MAX_ATTEMPTS = 100;

/** What an optimistic attempt returns when its compare-and-set matched no row (the version moved). */
export const STALE_VERSION = Symbol('stale version');

/**
 * The stock after adding `delta` to `stock`, checked in application code (the read-modify-write family).
 * @throws InsufficientStockError when it would go below zero.
 */
export function nextStock(productId: number, stock: number, delta: number): number {
  const next = stock + delta;
  if (next < 0) throw new InsufficientStockError(productId, -delta, stock);
  return next;
}

/**
 * Runs `attempt` (one whole transaction, or one optimistic read and compare-and-set) until it returns a
 * stock, counting the attempts: again after a serialization failure or deadlock (`retryable`, default
 * isRetryable), or when it returns STALE_VERSION; at most ADJUST_STOCK_MAX_ATTEMPTS times. Any other error,
 * or a retryable one on the last attempt, is thrown; an optimistic miss on the last attempt is
 * UnavailableError.
 */
export async function retryAdjustment(
  productId: number,
  attempt: () => Promise<number | typeof STALE_VERSION>,
  options: { retryable?: (error: unknown) => boolean; maxAttempts?: number } = {},
): Promise<StockAdjustmentResult> {
  const { retryable = isRetryable, maxAttempts = ADJUST_STOCK_MAX_ATTEMPTS } = options;
  for (let attempts = 1; ; attempts++) {
    let outcome: number | typeof STALE_VERSION;
    try {
      outcome = await attempt();
    } catch (error) {
      if (attempts < maxAttempts && retryable(error)) continue;
      throw error;
    }
    if (outcome !== STALE_VERSION) return { stock: outcome, attempts };
    if (attempts >= maxAttempts) {
      throw new UnavailableError(
        `product ${productId}: the version moved under each of ${attempts} optimistic attempts`,
      );
    }
  }
}
