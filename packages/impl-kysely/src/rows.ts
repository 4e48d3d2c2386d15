import type { Account, Customer, Order, OrderItem, Product, Transfer } from '@dal/core';
import { exactCents } from '@dal/core';
import type { Selectable } from 'kysely';
import type {
  AccountsTable,
  CustomersTable,
  OrderItemsTable,
  OrdersTable,
  ProductsTable,
  TransfersTable,
} from './database';

// The columns each read selects (as typed arrays, so the selected row types follow), and the mappers from
// those snake_case rows to the domain's camelCase objects.

export const CUSTOMER_COLUMNS = ['id', 'email', 'name', 'created_at'] as const;
export const PRODUCT_COLUMNS = [
  'id',
  'sku',
  'name',
  'price_cents',
  'stock',
  'version',
  'updated_at',
] as const;
export const ORDER_COLUMNS = ['id', 'customer_id', 'status', 'total_cents', 'created_at'] as const;
export const ITEM_COLUMNS = ['id', 'order_id', 'product_id', 'quantity', 'unit_price_cents'] as const;
export const ACCOUNT_COLUMNS = ['id', 'customer_id', 'balance_cents', 'version'] as const;
export const TRANSFER_COLUMNS = [
  'id',
  'from_account_id',
  'to_account_id',
  'amount_cents',
  'idempotency_key',
  'created_at',
] as const;

type Row<T, C extends readonly (keyof Selectable<T>)[]> = Pick<Selectable<T>, C[number]>;

export const toCustomer = (r: Row<CustomersTable, typeof CUSTOMER_COLUMNS>): Customer => ({
  id: r.id,
  email: r.email,
  name: r.name,
  createdAt: r.created_at,
});

export const toProduct = (r: Row<ProductsTable, typeof PRODUCT_COLUMNS>): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  priceCents: r.price_cents,
  stock: r.stock,
  version: r.version,
  updatedAt: r.updated_at,
});

export const toOrder = (r: Row<OrdersTable, typeof ORDER_COLUMNS>): Order => ({
  id: r.id,
  customerId: r.customer_id,
  status: r.status,
  totalCents: r.total_cents,
  createdAt: r.created_at,
});

export const toItem = (r: Row<OrderItemsTable, typeof ITEM_COLUMNS>): OrderItem => ({
  id: r.id,
  orderId: r.order_id,
  productId: r.product_id,
  quantity: r.quantity,
  unitPriceCents: r.unit_price_cents,
});

// int8 arrives as a string (see Int8 in database.ts); every amount the contract accepts is a safe integer

export const toAccount = (r: Row<AccountsTable, typeof ACCOUNT_COLUMNS>): Account => ({
  id: r.id,
  customerId: r.customer_id,
  balanceCents: exactCents(r.balance_cents, 'balance'),
  version: r.version,
});

export const toTransfer = (r: Row<TransfersTable, typeof TRANSFER_COLUMNS>): Transfer => ({
  id: r.id,
  fromAccountId: r.from_account_id,
  toAccountId: r.to_account_id,
  amountCents: exactCents(r.amount_cents),
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
});
