import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
  translatingErrors,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { PgShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'pg',
  displayName: 'node-postgres (raw SQL)',
  kind: 'raw',
  driver: 'pg',
  libraries: {
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [],
  preparedStatements:
    'named statements (`{ name, text, values }`) for the point reads getCustomer, findCustomerByEmail, getProduct, getAccount',
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return translatingErrors(new PgShopRepository(options));
}
