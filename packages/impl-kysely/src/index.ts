import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
  translatingErrors,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { KyselyShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'kysely',
  displayName: 'Kysely',
  kind: 'query-builder',
  driver: 'pg',
  libraries: {
    kysely: packageVersion('kysely', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'insertOrderItems/unnest',
      reason:
        "Kysely has no unnest() or typed-array parameter API: INSERT INTO order_items (...) is built by Kysely, its SELECT * FROM unnest($1::int[], ...) is Kysely's sql template",
    },
    {
      method: 'insertOrderItems/copy',
      reason:
        'Kysely has no COPY API: COPY order_items FROM STDIN streams through pg-copy-streams on the pg client that runs the Kysely transaction',
    },
  ],
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return translatingErrors(new KyselyShopRepository(options));
}
