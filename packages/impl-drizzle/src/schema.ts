import { exactCents, ORDER_STATUSES } from '@dal/core';
import { relations, sql } from 'drizzle-orm';
import {
  check,
  customType,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { lower } from './expressions';

// The tables of schema/0001_init.sql, column for column and with its constraint and index names. That SQL
// creates the tables; this model only describes them (test/model-matches-database.test.ts keeps them equal).

/** Timestamps are timestamptz(6) read as Date objects (milliseconds: the cursor reads the exact text). */
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 6 });

/**
 * int8 money as a number: node-postgres returns int8 as a string to stay exact, and bigint's mode 'number'
 * would round anything beyond 2^53 silently; this refuses it (ValidationError) instead.
 */
const cents = customType<{ data: number; driverData: string }>({
  dataType: () => 'bigint',
  fromDriver: (value) => exactCents(value, 'amount'),
});

export const customers = pgTable(
  'customers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    deletedAt: instant('deleted_at'),
  },
  (t) => [uniqueIndex('customers_email_live_key').on(lower(t.email)).where(sql`${t.deletedAt} IS NULL`)],
);

export const products = pgTable(
  'products',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    sku: text('sku').notNull().unique('products_sku_key'),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull(),
    version: integer('version').notNull().default(1),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('products_price_cents_check', sql`${t.priceCents} >= 0`),
    check('products_stock_check', sql`${t.stock} >= 0`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    customerId: integer('customer_id').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull(),
    totalCents: integer('total_cents').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    foreignKey({ name: 'orders_customer_id_fkey', columns: [t.customerId], foreignColumns: [customers.id] }),
    check('orders_status_check', sql`${t.status} IN ('pending', 'paid', 'shipped', 'cancelled')`),
    index('orders_customer_created_idx').on(t.customerId, t.createdAt.desc(), t.id.desc()),
    index('orders_created_idx').on(t.createdAt.desc(), t.id.desc()),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    orderId: integer('order_id').notNull(),
    productId: integer('product_id').notNull(),
    quantity: integer('quantity').notNull(),
    unitPriceCents: integer('unit_price_cents').notNull(),
  },
  (t) => [
    foreignKey({
      name: 'order_items_order_id_fkey',
      columns: [t.orderId],
      foreignColumns: [orders.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'order_items_product_id_fkey',
      columns: [t.productId],
      foreignColumns: [products.id],
    }),
    check('order_items_quantity_check', sql`${t.quantity} > 0`),
    index('order_items_order_id_idx').on(t.orderId),
    index('order_items_product_id_idx').on(t.productId),
  ],
);

export const accounts = pgTable(
  'accounts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    customerId: integer('customer_id').notNull().unique('accounts_customer_id_key'),
    balanceCents: cents('balance_cents').notNull(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    foreignKey({
      name: 'accounts_customer_id_fkey',
      columns: [t.customerId],
      foreignColumns: [customers.id],
    }),
    check('accounts_balance_cents_check', sql`${t.balanceCents} >= 0`),
  ],
);

export const transfers = pgTable(
  'transfers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    fromAccountId: integer('from_account_id').notNull(),
    toAccountId: integer('to_account_id').notNull(),
    amountCents: cents('amount_cents').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique('transfers_idempotency_key_key'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'transfers_from_account_id_fkey',
      columns: [t.fromAccountId],
      foreignColumns: [accounts.id],
    }),
    foreignKey({
      name: 'transfers_to_account_id_fkey',
      columns: [t.toAccountId],
      foreignColumns: [accounts.id],
    }),
    check('transfers_amount_cents_check', sql`${t.amountCents} > 0`),
  ],
);

// Relations are for the relational query API (db.query.*) only; they create nothing in the database.

export const customersRelations = relations(customers, ({ many, one }) => ({
  orders: many(orders),
  account: one(accounts),
}));

export const productsRelations = relations(products, ({ many }) => ({
  orderItems: many(orderItems),
}));

export const ordersRelations = relations(orders, ({ one, many }) => ({
  customer: one(customers, { fields: [orders.customerId], references: [customers.id] }),
  items: many(orderItems),
}));

export const orderItemsRelations = relations(orderItems, ({ one }) => ({
  order: one(orders, { fields: [orderItems.orderId], references: [orders.id] }),
  product: one(products, { fields: [orderItems.productId], references: [products.id] }),
}));

export const accountsRelations = relations(accounts, ({ one, many }) => ({
  customer: one(customers, { fields: [accounts.customerId], references: [customers.id] }),
  outgoing: many(transfers, { relationName: 'from_account' }),
  incoming: many(transfers, { relationName: 'to_account' }),
}));

export const transfersRelations = relations(transfers, ({ one }) => ({
  from: one(accounts, {
    fields: [transfers.fromAccountId],
    references: [accounts.id],
    relationName: 'from_account',
  }),
  to: one(accounts, {
    fields: [transfers.toAccountId],
    references: [accounts.id],
    relationName: 'to_account',
  }),
}));
