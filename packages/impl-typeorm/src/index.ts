import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
  translateError,
  translatingErrors,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { createDataSource } from './data-source';
import { TypeOrmShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'typeorm',
  displayName: 'TypeORM (decorated entities)',
  kind: 'orm',
  driver: 'pg',
  libraries: {
    typeorm: packageVersion('typeorm', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'adjustStock/atomic',
      reason:
        "set() takes SQL text for an expression: () => 'stock + :delta' (increment() returns no row, so the stock after the call's own change would need a second read)",
    },
    {
      method: 'findCustomerByEmail',
      reason:
        "where('lower(c.email) = lower(:email)'): TypeORM has no lower() (Raw() takes SQL text as well), and lower(email) is what the partial unique index customers_email_live_key serves; ILike would read % and _ as wildcards",
    },
    {
      method: 'updateProductPrice',
      reason:
        "QueryBuilder set() takes expressions as SQL text: () => 'version + 1' and () => 'now()' in the compare-and-set UPDATE",
    },
    {
      method: 'upsertProducts',
      reason:
        "orUpdate() renders only `column = EXCLUDED.column` and TypeORM 1.x has no raw onConflict(): the version bump cannot be said through the QueryBuilder, so the whole INSERT ... ON CONFLICT (sku) DO UPDATE is one written statement with bind parameters through the transaction's QueryRunner",
    },
    {
      method: 'createOrder',
      reason:
        "QueryBuilder set() takes expressions as SQL text: () => 'stock - :quantity' (bound, where em.decrement() inlines the number), and the order's createdAt () => 'now()'",
    },
    {
      method: 'recentOrdersWithDetails/joined',
      reason:
        "a join to a subquery (the LIMITed page of order ids) takes its condition as SQL text: 'page.id = o.id'",
    },
    {
      method: 'listOrdersKeyset',
      reason:
        "no to_char() and no row-value comparison: addSelect(\"to_char(o.createdAt AT TIME ZONE 'UTC', :format)\") for the exact microsecond cursor, andWhere('(o.createdAt, o.id) < (:createdAt::timestamptz, :id)') for the index-served predicate",
    },
    {
      method: 'insertOrderItems/unnest',
      reason:
        'a QueryBuilder from() takes an entity, a table or a subquery, not unnest($1::int[], ...): INSERT ... SELECT FROM unnest through EntityManager.query()',
    },
    {
      method: 'insertOrderItems/copy',
      reason:
        "TypeORM has no COPY: COPY FROM STDIN (pg-copy-streams) on the pg client of the transaction's QueryRunner",
    },
    {
      method: 'transfer',
      reason:
        "QueryBuilder set() takes expressions as SQL text: () => 'balance_cents - :amount' / '+ :amount' and () => 'version + 1'",
    },
  ],
};

export async function createRepository(options: RepositoryOptions): Promise<ShopRepository> {
  const dataSource = createDataSource(options);
  // initialize() connects at once: an unreachable server is UnavailableError here already
  await dataSource.initialize().catch((error: unknown) => {
    throw translateError(error);
  });
  return translatingErrors(new TypeOrmShopRepository(dataSource));
}
