import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
  translatingErrors,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { KnexShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'knex',
  displayName: 'Knex',
  kind: 'query-builder',
  driver: 'pg',
  libraries: {
    knex: packageVersion('knex', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'findCustomerByEmail',
      reason:
        'whereRaw for lower(email) = lower(?): Knex has no SQL function calls, and lower(email) is what the partial unique index customers_email_live_key serves',
    },
    {
      method: 'upsertProducts',
      reason:
        "raw '?? + 1' for the version bump inside onConflict().merge(): merge() takes values, Knex's increment() does not apply to it",
    },
    {
      method: 'recentOrdersWithDetails/joined',
      reason:
        'raw json_build_object / json_agg select expressions inside the builder query: Knex has no JSON aggregation API (the rest: derived table, join, correlated subquery, is builder code)',
    },
    {
      method: 'listOrdersKeyset',
      reason:
        "whereRaw for (created_at, id) < (?::timestamptz, ?): Knex has no row-value comparison (knex/knex#249), and only the row-value form lets orders_created_idx serve the page; a raw to_char(created_at AT TIME ZONE 'UTC', ?) select, because Knex has no to_char() and the cursor needs created_at's exact microsecond text",
    },
    {
      method: 'insertOrderItems/unnest',
      reason:
        'trx.raw INSERT ... SELECT FROM unnest(?::int[], ...): Knex has no unnest API, and insert(subquery) cannot name the target columns',
    },
    {
      method: 'insertOrderItems/copy',
      reason:
        "COPY FROM STDIN via pg-copy-streams on the transaction's own pg connection (trx.client.acquireConnection()): Knex has no COPY API",
    },
  ],
  preparedStatements:
    "`.options({ name })`, which Knex passes on to node-postgres' query config, on the point reads getCustomer, findCustomerByEmail, getProduct, getAccount",
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return translatingErrors(new KnexShopRepository(options));
}
