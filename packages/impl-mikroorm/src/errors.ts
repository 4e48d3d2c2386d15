import { type ShopRepository, translateError, translatingErrors, UnavailableError } from '@dal/core';
import { DriverException } from '@mikro-orm/core';

/**
 * translateError, plus the one case MikroORM hides from it. MikroORM wraps every error of a query in a
 * DriverException that copies the original's own properties (code, constraint, detail: translateError reads
 * those) but renames it, so knex's KnexTimeoutError — no pooled connection came free within
 * acquireTimeoutMillis — arrives as a DriverException that only its message still identifies.
 */
export function translateMikroOrmError(error: unknown): unknown {
  if (error instanceof DriverException && error.message.startsWith('Knex: Timeout acquiring a connection')) {
    return new UnavailableError(`the database is unavailable or timed out: ${error.message}`, {
      cause: error,
    });
  }
  return translateError(error);
}

/**
 * The repository with every method's rejection passed through translateMikroOrmError, so no path (a pool
 * timeout in a point read, a connection dropped mid-transaction) lets a MikroORM or knex error through.
 */
export const translatingMikroOrmErrors = (repository: ShopRepository): ShopRepository =>
  translatingErrors(repository, translateMikroOrmError);
