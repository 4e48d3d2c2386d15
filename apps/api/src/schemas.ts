import { LOAD_STRATEGIES, ORDER_STATUSES } from '@dal/core';

// JSON schemas for fastify's validation, serialisation and the OpenAPI document. They check the shape of a
// request; @dal/core's `validate` inside every repository method stays the authority on what is valid.

const INT4_MAX = 2_147_483_647;

export const id = { type: 'integer', minimum: 1, maximum: INT4_MAX } as const;
const cents = { type: 'integer', minimum: 0, maximum: INT4_MAX } as const;
const instant = { type: 'string', format: 'date-time' } as const;
export const pageSize = { type: 'integer', minimum: 1, maximum: 100, default: 20 } as const;
export const orderStatus = { type: 'string', enum: [...ORDER_STATUSES] } as const;
export const loadStrategy = { type: 'string', enum: [...LOAD_STRATEGIES], default: 'joined' } as const;

const object = <P extends Record<string, unknown>>(properties: P) =>
  ({
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  }) as const;

/** Shared schemas, registered with addSchema and referenced as `{ $ref: '<Name>#' }`. */
export const SHARED_SCHEMAS = [
  {
    $id: 'Error',
    description: 'Every error response: a stable code (see the README) and a human-readable message.',
    ...object({ error: { type: 'string' }, message: { type: 'string' } }),
  },
  {
    $id: 'Customer',
    ...object({ id, email: { type: 'string' }, name: { type: 'string' }, createdAt: instant }),
  },
  {
    $id: 'Product',
    ...object({
      id,
      sku: { type: 'string' },
      name: { type: 'string' },
      priceCents: cents,
      stock: { type: 'integer' },
      version: { type: 'integer' },
      updatedAt: instant,
    }),
  },
  {
    $id: 'Order',
    ...object({
      id,
      customerId: id,
      status: orderStatus,
      totalCents: { type: 'integer' },
      createdAt: instant,
    }),
  },
  {
    $id: 'OrderDetails',
    ...object({
      id,
      customerId: id,
      status: orderStatus,
      totalCents: { type: 'integer' },
      createdAt: instant,
      customer: object({ id, email: { type: 'string' }, name: { type: 'string' } }),
      items: {
        type: 'array',
        items: object({
          id,
          orderId: id,
          productId: id,
          quantity: { type: 'integer' },
          unitPriceCents: cents,
          product: object({ id, sku: { type: 'string' }, name: { type: 'string' } }),
        }),
      },
    }),
  },
  {
    $id: 'Account',
    ...object({ id, customerId: id, balanceCents: { type: 'integer' }, version: { type: 'integer' } }),
  },
  {
    $id: 'Transfer',
    ...object({
      id,
      fromAccountId: id,
      toAccountId: id,
      amountCents: { type: 'integer' },
      idempotencyKey: { type: 'string' },
      createdAt: instant,
    }),
  },
] as const;

export const ref = (name: (typeof SHARED_SCHEMAS)[number]['$id']) => ({ $ref: `${name}#` }) as const;

/** The error responses of a route; every route may also answer 503 UNAVAILABLE (with Retry-After). */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries([...statuses, 503].map((status) => [status, ref('Error')]));

export const idParams = object({ id });
