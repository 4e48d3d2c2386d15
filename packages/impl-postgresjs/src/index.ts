import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { translatingPostgresJsErrors } from './errors';
import { PostgresJsShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'postgresjs',
  displayName: 'postgres.js (raw SQL, its own driver — not node-postgres)',
  kind: 'raw',
  driver: 'postgres',
  libraries: {
    postgres: packageVersion('postgres', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [],
  preparedStatements:
    "postgres.js' own `prepare: true` (its default): every statement is a named statement, parsed once per connection and cached by its text; without the option `prepare: false` sends unnamed statements",
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return translatingPostgresJsErrors(new PostgresJsShopRepository(options));
}
