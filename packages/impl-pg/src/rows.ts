import type { Account, Customer, Order, OrderItem, Product, Transfer } from '@dal/core';
import { exactCents } from '@dal/core';

// node-postgres returns int8 (bigint) as a string to stay exact; the contract wants numbers, and every
// amount it accepts is a safe integer.

export const CUSTOMER_COLUMNS = 'id, email, name, created_at';
export const PRODUCT_COLUMNS = 'id, sku, name, price_cents, stock, version, updated_at';
export const ORDER_COLUMNS = 'id, customer_id, status, total_cents, created_at';
export const ITEM_COLUMNS = 'id, order_id, product_id, quantity, unit_price_cents';
export const ACCOUNT_COLUMNS = 'id, customer_id, balance_cents, version';
export const TRANSFER_COLUMNS =
  'id, from_account_id, to_account_id, amount_cents, idempotency_key, created_at';

// biome-ignore lint/suspicious/noExplicitAny: query rows are untyped; the mappers give them their types
type Row = Record<string, any>;

export const toCustomer = (r: Row): Customer => ({
  id: r.id,
  email: r.email,
  name: r.name,
  createdAt: r.created_at,
});

export const toProduct = (r: Row): Product => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  priceCents: r.price_cents,
  stock: r.stock,
  version: r.version,
  updatedAt: r.updated_at,
});

export const toOrder = (r: Row): Order => ({
  id: r.id,
  customerId: r.customer_id,
  status: r.status,
  totalCents: r.total_cents,
  createdAt: r.created_at,
});

export const toItem = (r: Row): OrderItem => ({
  id: r.id,
  orderId: r.order_id,
  productId: r.product_id,
  quantity: r.quantity,
  unitPriceCents: r.unit_price_cents,
});

export const toAccount = (r: Row): Account => ({
  id: r.id,
  customerId: r.customer_id,
  balanceCents: exactCents(r.balance_cents, 'balance'),
  version: r.version,
});

export const toTransfer = (r: Row): Transfer => ({
  id: r.id,
  fromAccountId: r.from_account_id,
  toAccountId: r.to_account_id,
  amountCents: exactCents(r.amount_cents),
  idempotencyKey: r.idempotency_key,
  createdAt: r.created_at,
});
