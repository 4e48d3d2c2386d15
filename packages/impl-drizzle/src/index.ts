import {
  type ImplementationMeta,
  packageVersion,
  type RepositoryOptions,
  type ShopRepository,
} from '@dal/core';
import { SUPPORTED_BULK_METHODS } from './bulk';
import { DrizzleShopRepository } from './repository';

export const meta: ImplementationMeta = {
  id: 'drizzle',
  displayName: 'Drizzle ORM',
  kind: 'orm',
  libraries: {
    'drizzle-orm': packageVersion('drizzle-orm', import.meta.url),
    pg: packageVersion('pg', import.meta.url),
    'pg-copy-streams': packageVersion('pg-copy-streams', import.meta.url),
  },
  bulkMethods: SUPPORTED_BULK_METHODS,
  escapeHatches: [
    {
      method: 'listOrdersKeyset',
      reason:
        'no row-value (tuple) comparison: `(created_at, id) < ($ts::timestamptz, $id)` is an sql fragment in .where(), the predicate the (created_at desc, id desc) index serves; no to_char() either, for the exact microsecond cursor text',
    },
    {
      method: 'insertOrderItems(unnest)',
      reason:
        'no unnest(), and insert().select() lists the identity column id, which a SELECT cannot fill: the INSERT ... SELECT FROM unnest is one sql statement through tx.execute',
    },
    {
      method: 'insertOrderItems(copy)',
      reason:
        "no COPY: COPY FROM STDIN streams through pg-copy-streams on a client checked out by hand, inside Drizzle's transaction on that same client (a transaction's own client is private)",
    },
    {
      method: 'createOrder, transfer (plusPerRow in expressions.ts)',
      reason:
        'no CASE builder: one UPDATE gives each locked row its own delta with `CASE id WHEN ... END` in .set(), as in Drizzle\'s guide "update many with different values"',
    },
    {
      method: 'helper:expressions (src/expressions.ts)',
      reason:
        'no builders for now(), `column + 1`, `excluded.column` (upsert) or lower(): small sql fragments, the way the Drizzle docs write them, inside builder calls',
    },
  ],
  preparedStatements:
    '`.prepare(name)` on the point reads getCustomer, findCustomerByEmail, getProduct, getAccount (src/point-reads.ts; built once either way, named only with this option)',
};

export function createRepository(options: RepositoryOptions): ShopRepository {
  return new DrizzleShopRepository(options);
}
