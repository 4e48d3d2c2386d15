import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { createDataSource } from './data-source';
import { TypeOrmShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'typeorm',
  displayName: 'TypeORM (decorated entities)',
  kind: 'orm',
  libraries: {
    typeorm: packageVersion('typeorm', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'upsertProducts',
      reason:
        'orUpdate() renders only `column = EXCLUDED.column` and TypeORM 1.x has no raw onConflict(); `version = products.version + 1, updated_at = now()` is appended to the SQL the QueryBuilder generated',
    },
    {
      method: 'insertOrderItems:unnest',
      reason:
        'a QueryBuilder from() takes an entity, a table or a subquery, not unnest($1::int[], ...): INSERT ... SELECT FROM unnest through EntityManager.query()',
    },
    {
      method: 'insertOrderItems:copy',
      reason:
        'TypeORM has no COPY: COPY FROM STDIN (pg-copy-streams) on the pg client of the transaction’s QueryRunner',
    },
  ],
};

export async function createRepository(options: RepositoryOptions): Promise<ShopRepository> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  return new TypeOrmShopRepository(dataSource);
}
