import { and, eq, isNull, sql } from 'drizzle-orm';
import { accountColumns, customerColumns, productColumns } from './columns';
import type { Db } from './db';
import { lower } from './expressions';
import { accounts, customers, products } from './schema';

/**
 * The point reads by key as Drizzle prepared queries, built once: a call only fills the placeholder, the SQL
 * is not rendered again. `named` gives each a statement name, which node-postgres prepares on the server
 * once per connection; `.prepare('')` leaves the statement unnamed, parsed and planned on every call.
 */
export function preparePointReads(db: Db, named: boolean) {
  const name = (statement: string) => (named ? statement : '');
  return {
    customer: db
      .select(customerColumns)
      .from(customers)
      .where(and(eq(customers.id, sql.placeholder('id')), isNull(customers.deletedAt)))
      .prepare(name('get_customer')),
    // escape hatch: findCustomerByEmail: Drizzle has no lower(); sql`lower(...)` on both sides matches the
    // partial unique index customers_email_live_key
    customerByEmail: db
      .select(customerColumns)
      .from(customers)
      .where(and(eq(lower(customers.email), lower(sql.placeholder('email'))), isNull(customers.deletedAt)))
      .prepare(name('find_customer_by_email')),
    product: db
      .select(productColumns)
      .from(products)
      .where(eq(products.id, sql.placeholder('id')))
      .prepare(name('get_product')),
    account: db
      .select(accountColumns)
      .from(accounts)
      .where(eq(accounts.id, sql.placeholder('id')))
      .prepare(name('get_account')),
  };
}

export type PointReads = ReturnType<typeof preparePointReads>;
