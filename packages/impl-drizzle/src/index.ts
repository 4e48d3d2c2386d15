import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
  translatingErrors,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { DrizzleShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'drizzle',
  displayName: 'Drizzle ORM',
  kind: 'orm',
  driver: 'pg',
  libraries: {
    'drizzle-orm': packageVersion('drizzle-orm', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'adjustStock/atomic',
      reason:
        'Drizzle has no increment: sql`stock + ${delta}` inside .set() of the one UPDATE ... RETURNING stock',
    },
    {
      method: 'adjustStock/optimistic',
      reason:
        'Drizzle has no increment: sql`version + 1` inside .set() of the compare-and-set UPDATE ... WHERE version = $read',
    },
    {
      method: 'findCustomerByEmail',
      reason:
        'Drizzle has no lower(): sql`lower(...)` on both sides of the comparison, the expression the partial unique index customers_email_live_key is built on',
    },
    {
      method: 'softDeleteCustomer',
      reason: 'Drizzle has no now(): sql`now()` sets deleted_at from the database clock',
    },
    {
      method: 'updateProductPrice',
      reason:
        'Drizzle has no increment or now(): sql`version + 1` and sql`now()` inside .set() of the compare-and-set UPDATE',
    },
    {
      method: 'upsertProducts',
      reason:
        "onConflictDoUpdate() takes values: sql`excluded.<column>` (as Drizzle's upsert guide writes it), sql`version + 1` and sql`now()`",
    },
    {
      method: 'createOrder',
      reason:
        "no CASE builder: one UPDATE decrements each product's stock by its own quantity with sql`stock + CASE id WHEN ... END` (Drizzle's guide 'update many with different values'); the order's created_at is sql`now()`",
    },
    {
      method: 'listOrdersKeyset',
      reason:
        'no row-value (tuple) comparison: sql`(created_at, id) < ($ts::timestamptz, $id)` in .where() is the predicate the (created_at desc, id desc) index serves; no to_char() either, for the exact microsecond cursor text',
    },
    {
      method: 'insertOrderItems/unnest',
      reason:
        'no unnest(), and insert().select() lists the identity column id, which a SELECT cannot fill: INSERT ... SELECT FROM unnest is one sql statement through tx.execute',
    },
    {
      method: 'insertOrderItems/copy',
      reason:
        "no COPY: COPY FROM STDIN streams through pg-copy-streams on a client checked out by hand, inside Drizzle's transaction on that same client (a transaction's own client is private)",
    },
    {
      method: 'transfer',
      reason:
        'no CASE builder or increment: one UPDATE moves the money with sql`balance_cents + CASE id WHEN ... END` and bumps sql`version + 1`',
    },
  ],
  pointReads:
    'built once per repository as Drizzle prepared queries (`.prepare()`), each call only fills the placeholder; the other builders render their SQL on every call',
  preparedStatements:
    '`.prepare(name)` on the point reads getCustomer, findCustomerByEmail, getProduct, getAccount (src/point-reads.ts; built once either way, named only with this option)',
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return translatingErrors(new DrizzleShopRepository(options));
}
