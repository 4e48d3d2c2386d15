import type { OrderStatus } from '@dal/core';
import type { ColumnType, Generated, GeneratedAlways, SelectType } from 'kysely';

/** The schema of schema/0001_init.sql as Kysely types: snake_case, exactly as the database has it. */
export interface Database {
  customers: CustomersTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  accounts: AccountsTable;
  transfers: TransfersTable;
}

/** Identity columns are GENERATED ALWAYS: Kysely refuses them in inserts and updates. */
type Id = GeneratedAlways<number>;

/** node-postgres reads int8 as a string (to stay exact); numbers are accepted on the way in. */
type Int8 = ColumnType<string, number | string | bigint, number | string | bigint>;

export interface CustomersTable {
  id: Id;
  email: string;
  name: string;
  created_at: Generated<Date>;
  deleted_at: Date | null;
}

export interface ProductsTable {
  id: Id;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export interface OrdersTable {
  id: Id;
  customer_id: number;
  status: OrderStatus;
  total_cents: number;
  created_at: Date;
}

export interface OrderItemsTable {
  id: Id;
  order_id: number;
  product_id: number;
  quantity: number;
  unit_price_cents: number;
}

export interface AccountsTable {
  id: Id;
  customer_id: number;
  balance_cents: Int8;
  version: Generated<number>;
}

export interface TransfersTable {
  id: Id;
  from_account_id: number;
  to_account_id: number;
  amount_cents: Int8;
  idempotency_key: string;
  created_at: Generated<Date>;
}

/** information_schema data types a TypeScript select type may stand for. */
type SqlTypeOf<T> = T extends number
  ? 'integer'
  : T extends string
    ? 'text' | 'bigint'
    : T extends Date
      ? 'timestamp with time zone'
      : never;

/** The runtime description of one column, tied by the compiler to the column's TypeScript type. */
type ColumnSpec<C> = {
  type: SqlTypeOf<NonNullable<SelectType<C>>>;
  nullable: null extends SelectType<C> ? true : false;
};

type TableSpec<T> = { [K in keyof T]: ColumnSpec<T[K]> };

const notNull = <T extends string>(type: T) => ({ type, nullable: false as const });
const integer = notNull('integer');
const text = notNull('text');
const bigint = notNull('bigint');
const timestamptz = notNull('timestamp with time zone');

/**
 * The `Database` interface again, as a value: TypeScript interfaces vanish at runtime, so this map is what
 * test/model-matches-database.test.ts compares with the live schema. `satisfies` makes the compiler reject
 * a table or column missing on either side, and a type or nullability that contradicts the interface.
 */
export const DATABASE_COLUMNS = {
  customers: {
    id: integer,
    email: text,
    name: text,
    created_at: timestamptz,
    deleted_at: { type: 'timestamp with time zone', nullable: true },
  },
  products: {
    id: integer,
    sku: text,
    name: text,
    price_cents: integer,
    stock: integer,
    version: integer,
    updated_at: timestamptz,
  },
  orders: { id: integer, customer_id: integer, status: text, total_cents: integer, created_at: timestamptz },
  order_items: {
    id: integer,
    order_id: integer,
    product_id: integer,
    quantity: integer,
    unit_price_cents: integer,
  },
  accounts: { id: integer, customer_id: integer, balance_cents: bigint, version: integer },
  transfers: {
    id: integer,
    from_account_id: integer,
    to_account_id: integer,
    amount_cents: bigint,
    idempotency_key: text,
    created_at: timestamptz,
  },
} satisfies { [T in keyof Database]: TableSpec<Database[T]> };
