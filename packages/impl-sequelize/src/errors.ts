import {
  isRetryable,
  type ShopRepository,
  translateError,
  translatingErrors as translatingCoreErrors,
  UnavailableError,
} from '@dal/core';
import { BaseError, ConnectionAcquireTimeoutError, ConnectionTimedOutError } from 'sequelize';

/**
 * The node-postgres error inside a Sequelize error. DatabaseError, its constraint subclasses
 * (UniqueConstraintError, ForeignKeyConstraintError, ...) and ConnectionError keep it as `parent` and
 * `original`, which @dal/core's pgErrorOf does not walk (it follows `cause`, `driverError`, `originalError`).
 */
export function driverErrorOf(error: unknown): unknown {
  const original = error instanceof BaseError ? (error as { original?: unknown }).original : undefined;
  return original ?? error;
}

/**
 * @dal/core's translateError applied to the pg error Sequelize wrapped; Sequelize's own errors for a pool
 * that gave no connection within `pool.acquire` (ConnectionAcquireTimeoutError, which wraps
 * sequelize-pool's "Operation timeout") and for a connect that timed out are UnavailableError too. Anything
 * else is returned unchanged (a bug, not a condition the caller can act on).
 */
export function translate(error: unknown): unknown {
  if (error instanceof ConnectionAcquireTimeoutError || error instanceof ConnectionTimedOutError) {
    return new UnavailableError(`the database is unavailable or timed out: ${error.message}`, {
      cause: error,
    });
  }
  const driverError = driverErrorOf(error);
  const translated = translateError(driverError);
  return translated === driverError ? error : translated;
}

/** Serialization failure or deadlock, looked up in the pg error Sequelize wrapped. */
export const isRetryableError = (error: unknown): boolean => isRetryable(driverErrorOf(error));

/**
 * The repository with every method's rejection passed through `translate` (core's translatingErrors), so no
 * Sequelize error leaves the repository (the contract's errors pass through unchanged).
 */
export const translatingErrors = (repository: ShopRepository): ShopRepository =>
  translatingCoreErrors(repository, translate);
