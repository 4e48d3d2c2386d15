import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { translateMikroOrmError, translatingMikroOrmErrors } from './errors';
import { initOrm } from './orm';
import { MikroOrmShopRepository } from './repository';

/** The file URL of `name` as `fromUrl` resolves it: MikroORM brings its own knex and pg (pinned by it). */
const resolved = (name: string, fromUrl: string) => pathToFileURL(createRequire(fromUrl).resolve(name)).href;
const driverUrl = resolved('@mikro-orm/postgresql', import.meta.url);
const knexUrl = resolved('@mikro-orm/knex', driverUrl);

export const meta: ImplementationMeta = {
  id: 'mikroorm',
  displayName: 'MikroORM (unit of work)',
  kind: 'orm',
  driver: 'pg',
  libraries: {
    '@mikro-orm/core': packageVersion('@mikro-orm/core', import.meta.url),
    '@mikro-orm/postgresql': packageVersion('@mikro-orm/postgresql', import.meta.url),
    '@mikro-orm/knex': packageVersion('@mikro-orm/knex', driverUrl),
    knex: packageVersion('knex', knexUrl),
    pg: packageVersion('pg', driverUrl),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'adjustStock/atomic',
      reason:
        "MikroORM's QueryBuilder has no increment: raw('stock + ?', [delta]) in update() of the one UPDATE ... RETURNING stock",
    },
    {
      method: 'findCustomerByEmail',
      reason:
        'the partial unique index is on lower(email) and MikroORM has no lower() operator ($ilike misses the index and treats % and _ as wildcards): the condition key is a raw() lower(<alias>.email)',
    },
    {
      method: 'softDeleteCustomer',
      reason:
        "deleted_at must come from the database clock and MikroORM has no now() value: nativeUpdate sets deletedAt to raw('now()')",
    },
    {
      method: 'updateProductPrice',
      reason:
        "MikroORM’s version check needs the entity loaded (SELECT, then UPDATE ... WHERE version = <loaded> at flush) and the QueryBuilder has no increment: one QueryBuilder UPDATE ... WHERE id AND version RETURNING with raw('version + 1') and raw('now()') as values",
    },
    {
      method: 'upsertProducts',
      reason:
        "upsertMany and merge(fields) only write `column = excluded.column`: the QueryBuilder INSERT ... ON CONFLICT (sku) merges raw excluded.* values plus raw('products.version + 1') and raw('now()')",
    },
    {
      method: 'listOrdersKeyset',
      reason:
        'em.findByCursor compares created_at <= x AND (created_at < x OR id < y) with a millisecond Date: neither exact nor served by the index as a row value; the QueryBuilder takes the row-value predicate and the to_char() microsecond cursor column as raw fragments',
    },
    {
      method: 'insertOrderItems/unnest',
      reason:
        'neither the QueryBuilder nor insertMany can select from unnest(...): INSERT ... SELECT FROM unnest(ARRAY[...]::int[], ...) through em.execute() in the transaction',
    },
  ],
};

export async function createRepository(options: RepositoryOptions): Promise<ShopRepository> {
  try {
    return translatingMikroOrmErrors(new MikroOrmShopRepository(await initOrm(options)));
  } catch (error) {
    throw translateMikroOrmError(error);
  }
}
