import { z } from 'zod';
import { ORDER_STATUSES } from './domain';

const INT4_MAX = 2_147_483_647;

/** A database id: a positive int4. */
export const idSchema = z.number().int().min(1).max(INT4_MAX);
const cents = z.number().int().min(0).max(INT4_MAX);
/**
 * PostgreSQL text cannot hold U+0000 (the server rejects it with SQLSTATE 22021, after the statement was
 * sent, through each library's own error): every text input is refused here instead, before any statement.
 */
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
/** Free text is kept exactly as given: no trimming, no normalisation (quotes and unicode must round-trip). */
const text = (max: number) => z.string().min(1).max(max).refine(noNul, NUL_MESSAGE);
const email = z
  .string()
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must look like an e-mail address')
  .refine(noNul, NUL_MESSAGE);
const pageSize = z.number().int().min(1).max(100);
const status = z.enum(ORDER_STATUSES);

export const newCustomerSchema = z.object({ email, name: text(200) });

export const priceUpdateSchema = z.object({
  id: idSchema,
  priceCents: cents,
  expectedVersion: z.number().int().min(1).max(INT4_MAX),
});

export const productUpsertSchema = z.object({
  sku: text(64),
  name: text(200),
  priceCents: cents,
  stock: z.number().int().min(0).max(INT4_MAX),
});

export const upsertProductsSchema = z
  .array(productUpsertSchema)
  .max(100_000)
  .superRefine((rows, ctx) => {
    const seen = new Set<string>();
    rows.forEach((row, index) => {
      if (seen.has(row.sku)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'sku'],
          message: `duplicate sku ${JSON.stringify(row.sku)}`,
        });
      }
      seen.add(row.sku);
    });
  });

export const newOrderSchema = z.object({
  customerId: idSchema,
  items: z
    .array(z.object({ productId: idSchema, quantity: z.number().int().min(1).max(10_000) }))
    .min(1)
    .max(100)
    .superRefine((items, ctx) => {
      const seen = new Set<number>();
      items.forEach((item, index) => {
        if (seen.has(item.productId)) {
          ctx.addIssue({ code: 'custom', path: [index, 'productId'], message: 'product listed twice' });
        }
        seen.add(item.productId);
      });
    }),
});

export const LOAD_STRATEGIES = ['naive', 'batched', 'joined'] as const;
export const loadStrategySchema = z.enum(LOAD_STRATEGIES);

export const recentOrdersQuerySchema = z.object({
  limit: z.number().int().min(1).max(1000),
  customerId: idSchema.optional(),
});

const orderFilter = { customerId: idSchema.optional(), status: status.optional() };
export const orderFilterSchema = z.object(orderFilter);

export const offsetQuerySchema = z.object({
  page: z.number().int().min(1).max(1_000_000),
  pageSize,
  ...orderFilter,
});

export const keysetQuerySchema = z.object({
  after: z.string().max(1024).nullish(),
  pageSize,
  ...orderFilter,
});

export const BULK_METHODS = ['loop', 'batch', 'unnest', 'copy'] as const;
export const bulkMethodSchema = z.enum(BULK_METHODS);

export const newOrderItemSchema = z.object({
  orderId: idSchema,
  productId: idSchema,
  quantity: z.number().int().min(1).max(INT4_MAX),
  unitPriceCents: cents,
});
export const newOrderItemsSchema = z.array(newOrderItemSchema).max(1_000_000);

export const transferRequestSchema = z
  .object({
    fromAccountId: idSchema,
    toAccountId: idSchema,
    amountCents: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    idempotencyKey: text(200),
  })
  .refine((t) => t.fromAccountId !== t.toAccountId, {
    message: 'cannot transfer to the same account',
    path: ['toAccountId'],
  });

export type NewCustomer = z.infer<typeof newCustomerSchema>;
export type PriceUpdate = z.infer<typeof priceUpdateSchema>;
export type ProductUpsert = z.infer<typeof productUpsertSchema>;
export type NewOrder = z.infer<typeof newOrderSchema>;
export type LoadStrategy = z.infer<typeof loadStrategySchema>;
export type RecentOrdersQuery = z.infer<typeof recentOrdersQuerySchema>;
export type OrderFilter = z.infer<typeof orderFilterSchema>;
export type OffsetQuery = z.infer<typeof offsetQuerySchema>;
export type KeysetQuery = z.infer<typeof keysetQuerySchema>;
export type BulkMethod = z.infer<typeof bulkMethodSchema>;
export type NewOrderItem = z.infer<typeof newOrderItemSchema>;
export type TransferRequest = z.infer<typeof transferRequestSchema>;
