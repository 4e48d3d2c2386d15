import type { Order } from '@dal/core';

// The columns each domain object is read from, in schema/'s snake_case. The connection's column transform
// (postgres.toCamel, see connection.ts) names the result fields in camelCase, so a row of these columns is
// the domain object itself and needs no mapper.

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

/** An order row of listOrdersKeyset: the order and its created_at as exact text with microseconds. */
export type OrderWithCursor = Order & { cursorAt: string };
