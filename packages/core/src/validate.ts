import type { z } from 'zod';
import { decodeCursor } from './cursor';
import { ValidationError } from './errors';
import * as s from './inputs';
import { adjustStrategySchema, stockAdjustmentSchema } from './stock';

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ValidationError(`invalid ${what}: ${summary}`, issues);
}

/**
 * The one input validator every implementation calls first, so implementations differ only in data access.
 * Each function returns the parsed input or throws ValidationError.
 */
export const validate = {
  id: (id: unknown, what = 'id') => parse(s.idSchema, id, what),
  newCustomer: (input: unknown) => parse(s.newCustomerSchema, input, 'customer'),
  email: (input: unknown) => parse(s.newCustomerSchema.shape.email, input, 'email'),
  priceUpdate: (input: unknown) => parse(s.priceUpdateSchema, input, 'price update'),
  upsertProducts: (input: unknown) => parse(s.upsertProductsSchema, input, 'product rows'),
  newOrder: (input: unknown) => parse(s.newOrderSchema, input, 'order'),
  recentOrders: (input: unknown, strategy: unknown) => ({
    query: parse(s.recentOrdersQuerySchema, input, 'recent orders query'),
    strategy: parse(s.loadStrategySchema, strategy, 'load strategy'),
  }),
  offsetQuery: (input: unknown) => parse(s.offsetQuerySchema, input, 'offset query'),
  /** Also decodes the cursor: `position` is null for the first page; InvalidCursorError when it is bad. */
  keysetQuery: (input: unknown) => {
    const { after, ...rest } = parse(s.keysetQuerySchema, input, 'keyset query');
    return { ...rest, position: after === undefined || after === null ? null : decodeCursor(after) };
  },
  orderFilter: (input: unknown) => parse(s.orderFilterSchema, input ?? {}, 'order filter'),
  /** Validates the rows and that `method` is one this implementation declares in its meta. */
  orderItems: (rows: unknown, method: unknown, supported: readonly s.BulkMethod[]) => {
    const m = parse(s.bulkMethodSchema, method, 'bulk method');
    if (!supported.includes(m)) {
      throw new ValidationError(
        `bulk method '${m}' is not supported here (supported: ${supported.join(', ')})`,
      );
    }
    return { rows: parse(s.newOrderItemsSchema, rows, 'order item rows'), method: m };
  },
  transfer: (input: unknown) => parse(s.transferRequestSchema, input, 'transfer'),
  stockAdjustment: (input: unknown, strategy: unknown) => ({
    ...parse(stockAdjustmentSchema, input, 'stock adjustment'),
    strategy: parse(adjustStrategySchema, strategy, 'adjust strategy'),
  }),
};
