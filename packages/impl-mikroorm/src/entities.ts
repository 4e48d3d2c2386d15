import { exactCents, type OrderStatus } from '@dal/core';
import { BigIntType, Collection, EntitySchema, OptionalProps, type Ref } from '@mikro-orm/core';

// Entity classes plus EntitySchema definitions with every type spelled out: nothing depends on decorator
// metadata (vitest's esbuild transform emits none) or on ts-morph. schema/ creates the tables; the property
// names are the domain's, `fieldName` the column of schema/.

/** bigint columns as numbers: pg sends int8 as text, and a balance beyond 2^53 would lose cents silently. */
export class SafeBigIntType extends BigIntType<'number'> {
  constructor() {
    super('number');
  }
  override convertToJSValue(value: string | null | undefined): number {
    return exactCents(value as string);
  }
}

export class Customer {
  /** Columns the database fills (defaults), optional in em.create(). */
  [OptionalProps]?: 'createdAt' | 'deletedAt';
  id!: number;
  email!: string;
  name!: string;
  createdAt!: Date;
  deletedAt!: Date | null;
}

export class Product {
  [OptionalProps]?: 'version' | 'updatedAt';
  id!: number;
  sku!: string;
  name!: string;
  priceCents!: number;
  stock!: number;
  version!: number;
  updatedAt!: Date;
}

export class Order {
  [OptionalProps]?: 'createdAt';
  id!: number;
  customer!: Ref<Customer>;
  status!: OrderStatus;
  totalCents!: number;
  createdAt!: Date;
  items = new Collection<OrderItem>(this);
}

export class OrderItem {
  id!: number;
  order!: Ref<Order>;
  product!: Ref<Product>;
  quantity!: number;
  unitPriceCents!: number;
}

export class Account {
  [OptionalProps]?: 'version';
  id!: number;
  customer!: Ref<Customer>;
  balanceCents!: number;
  version!: number;
}

export class Transfer {
  [OptionalProps]?: 'createdAt';
  id!: number;
  fromAccount!: Ref<Account>;
  toAccount!: Ref<Account>;
  amountCents!: number;
  idempotencyKey!: string;
  createdAt!: Date;
}

/** The identity primary key every table has: GENERATED ALWAYS AS IDENTITY, never written by the ORM. */
const id = { type: 'integer', columnType: 'integer', primary: true, autoincrement: true } as const;
const integer = (fieldName: string) => ({ type: 'integer', columnType: 'integer', fieldName }) as const;
const text = (fieldName: string) => ({ type: 'text', columnType: 'text', fieldName }) as const;
const bigint = (fieldName: string) => ({ type: SafeBigIntType, columnType: 'bigint', fieldName }) as const;
/** timestamptz with a database default (now()): left out of an INSERT that does not set it, read back by RETURNING. */
const timestamptz = (fieldName: string) =>
  ({ type: 'datetime', columnType: 'timestamptz', fieldName }) as const;

export const CustomerSchema = new EntitySchema<Customer>({
  class: Customer,
  tableName: 'customers',
  properties: {
    id,
    email: text('email'),
    name: text('name'),
    createdAt: { ...timestamptz('created_at'), defaultRaw: 'now()' },
    deletedAt: { ...timestamptz('deleted_at'), nullable: true },
  },
});

export const ProductSchema = new EntitySchema<Product>({
  class: Product,
  tableName: 'products',
  uniques: [{ name: 'products_sku_key', properties: ['sku'] }],
  properties: {
    id,
    sku: text('sku'),
    name: text('name'),
    priceCents: integer('price_cents'),
    stock: integer('stock'),
    // not `version: true`: MikroORM would bump it on every flushed change, and createOrder's stock decrement
    // must leave it alone (it guards price and upsert edits only)
    version: { ...integer('version'), defaultRaw: '1' },
    updatedAt: { ...timestamptz('updated_at'), defaultRaw: 'now()' },
  },
});

export const OrderSchema = new EntitySchema<Order>({
  class: Order,
  tableName: 'orders',
  properties: {
    id,
    customer: {
      kind: 'm:1',
      entity: () => Customer,
      ref: true,
      fieldName: 'customer_id',
      columnType: 'integer',
    },
    status: text('status'),
    totalCents: integer('total_cents'),
    createdAt: { ...timestamptz('created_at'), defaultRaw: 'now()' },
    // the collection's order belongs to the mapping: every load of it (Collection.load(), select-in, joined)
    // sorts by id, whatever order the rows have on disk
    items: { kind: '1:m', entity: () => OrderItem, mappedBy: 'order', orderBy: { id: 'asc' } },
  },
});

export const OrderItemSchema = new EntitySchema<OrderItem>({
  class: OrderItem,
  tableName: 'order_items',
  properties: {
    id,
    order: { kind: 'm:1', entity: () => Order, ref: true, fieldName: 'order_id', columnType: 'integer' },
    product: {
      kind: 'm:1',
      entity: () => Product,
      ref: true,
      fieldName: 'product_id',
      columnType: 'integer',
    },
    quantity: integer('quantity'),
    unitPriceCents: integer('unit_price_cents'),
  },
});

export const AccountSchema = new EntitySchema<Account>({
  class: Account,
  tableName: 'accounts',
  properties: {
    id,
    customer: {
      kind: 'm:1',
      entity: () => Customer,
      ref: true,
      fieldName: 'customer_id',
      columnType: 'integer',
      unique: 'accounts_customer_id_key',
    },
    balanceCents: bigint('balance_cents'),
    // MikroORM's own optimistic version: every flushed change of a loaded account adds
    // `version = version + 1` and `WHERE version = <loaded>`, which is what a transfer does to both accounts
    version: { ...integer('version'), version: true, defaultRaw: '1' },
  },
});

export const TransferSchema = new EntitySchema<Transfer>({
  class: Transfer,
  tableName: 'transfers',
  uniques: [{ name: 'transfers_idempotency_key_key', properties: ['idempotencyKey'] }],
  properties: {
    id,
    fromAccount: {
      kind: 'm:1',
      entity: () => Account,
      ref: true,
      fieldName: 'from_account_id',
      columnType: 'integer',
    },
    toAccount: {
      kind: 'm:1',
      entity: () => Account,
      ref: true,
      fieldName: 'to_account_id',
      columnType: 'integer',
    },
    amountCents: bigint('amount_cents'),
    idempotencyKey: text('idempotency_key'),
    createdAt: { ...timestamptz('created_at'), defaultRaw: 'now()' },
  },
});

export const ENTITIES = [
  CustomerSchema,
  ProductSchema,
  OrderSchema,
  OrderItemSchema,
  AccountSchema,
  TransferSchema,
];
