import type { OrderStatus } from '@dal/core';
import type { Knex } from 'knex';

// The model: one row interface per table of schema/0001_init.sql, registered with Knex's `Tables` module
// augmentation so that `db('orders')` is typed. Rows are typed as node-postgres returns them: int8
// (bigint) arrives as a string to stay exact.

export interface CustomerRow {
  id: number;
  email: string;
  name: string;
  created_at: Date;
  deleted_at: Date | null;
}

export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
  version: number;
  updated_at: Date;
}

export interface OrderRow {
  id: number;
  customer_id: number;
  status: OrderStatus;
  total_cents: number;
  created_at: Date;
}

export interface OrderItemRow {
  id: number;
  order_id: number;
  product_id: number;
  quantity: number;
  unit_price_cents: number;
}

export interface AccountRow {
  id: number;
  customer_id: number;
  balance_cents: string;
  version: number;
}

export interface TransferRow {
  id: number;
  from_account_id: number;
  to_account_id: number;
  amount_cents: string;
  idempotency_key: string;
  created_at: Date;
}

/** What an INSERT or UPDATE may set: the columns but the identity, each a value or an SQL expression. */
type Writable<Row, Omitted extends keyof Row = never> = {
  [K in Exclude<keyof Row, Omitted | 'id'>]: Row[K] | Knex.Raw;
};
type Insert<Row, Defaulted extends keyof Row = never> = Omit<Writable<Row>, Defaulted> &
  Partial<Writable<Row>>;
type Table<Row, Defaulted extends keyof Row = never> = Knex.CompositeTableType<
  Row,
  Insert<Row, Defaulted>,
  Partial<Writable<Row>>
>;
/** int8 columns are read as strings but written as numbers. */
type Int8Written<Row, K extends keyof Row> = Omit<Row, K> & { [C in K]: number };

declare module 'knex/types/tables' {
  interface Tables {
    customers: Table<CustomerRow, 'created_at' | 'deleted_at'>;
    products: Table<ProductRow, 'version' | 'updated_at'>;
    orders: Table<OrderRow>;
    order_items: Table<OrderItemRow>;
    accounts: Knex.CompositeTableType<
      AccountRow,
      Insert<Int8Written<AccountRow, 'balance_cents'>, 'version'>,
      Partial<Writable<Int8Written<AccountRow, 'balance_cents'>>>
    >;
    transfers: Knex.CompositeTableType<
      TransferRow,
      Insert<Int8Written<TransferRow, 'amount_cents'>, 'created_at'>,
      never
    >;
  }
}

/** Column types as information_schema names them, per TypeScript type of the row field. */
type SqlType<T> = T extends number
  ? 'integer'
  : T extends Date
    ? 'timestamp with time zone'
    : T extends string
      ? 'text' | 'bigint'
      : never;

export interface ColumnSpec<T> {
  type: SqlType<NonNullable<T>>;
  nullable: null extends T ? true : false;
}

type ColumnMap<Row> = { [K in keyof Row]-?: ColumnSpec<Row[K]> };

/**
 * The row interfaces at run time, checked against them by the compiler (every key, its SQL type family and
 * its nullability): test/model-matches-database.test.ts compares this map with the live database.
 */
export const MODEL = {
  customers: {
    id: { type: 'integer', nullable: false },
    email: { type: 'text', nullable: false },
    name: { type: 'text', nullable: false },
    created_at: { type: 'timestamp with time zone', nullable: false },
    deleted_at: { type: 'timestamp with time zone', nullable: true },
  },
  products: {
    id: { type: 'integer', nullable: false },
    sku: { type: 'text', nullable: false },
    name: { type: 'text', nullable: false },
    price_cents: { type: 'integer', nullable: false },
    stock: { type: 'integer', nullable: false },
    version: { type: 'integer', nullable: false },
    updated_at: { type: 'timestamp with time zone', nullable: false },
  },
  orders: {
    id: { type: 'integer', nullable: false },
    customer_id: { type: 'integer', nullable: false },
    status: { type: 'text', nullable: false },
    total_cents: { type: 'integer', nullable: false },
    created_at: { type: 'timestamp with time zone', nullable: false },
  },
  order_items: {
    id: { type: 'integer', nullable: false },
    order_id: { type: 'integer', nullable: false },
    product_id: { type: 'integer', nullable: false },
    quantity: { type: 'integer', nullable: false },
    unit_price_cents: { type: 'integer', nullable: false },
  },
  accounts: {
    id: { type: 'integer', nullable: false },
    customer_id: { type: 'integer', nullable: false },
    balance_cents: { type: 'bigint', nullable: false },
    version: { type: 'integer', nullable: false },
  },
  transfers: {
    id: { type: 'integer', nullable: false },
    from_account_id: { type: 'integer', nullable: false },
    to_account_id: { type: 'integer', nullable: false },
    amount_cents: { type: 'bigint', nullable: false },
    idempotency_key: { type: 'text', nullable: false },
    created_at: { type: 'timestamp with time zone', nullable: false },
  },
} as const satisfies {
  customers: ColumnMap<CustomerRow>;
  products: ColumnMap<ProductRow>;
  orders: ColumnMap<OrderRow>;
  order_items: ColumnMap<OrderItemRow>;
  accounts: ColumnMap<AccountRow>;
  transfers: ColumnMap<TransferRow>;
};
