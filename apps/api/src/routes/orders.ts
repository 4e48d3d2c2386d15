import {
  type LoadStrategy,
  type NewOrder,
  type OrderStatus,
  type ShopRepository,
  ValidationError,
} from '@dal/core';
import type { FastifyInstance } from 'fastify';
import { errorResponses, id, loadStrategy, orderStatus, pageSize, ref } from '../schemas';

const tags = ['orders'];

/**
 * The largest `limit` an anonymous caller may ask of GET /orders/recent, per strategy: `naive` runs about
 * 1 + 2 x limit + (items per order) x limit statements (about 2,000 at the contract's limit of 1,000), so
 * it gets a small cap; the others run one or three statements whatever the limit.
 */
export const RECENT_LIMITS: Record<LoadStrategy, number> = { naive: 20, batched: 100, joined: 100 };

interface ListQuery {
  cursor?: string;
  page?: number;
  pageSize: number;
  customerId?: number;
  status?: OrderStatus;
}

export function orderRoutes(app: FastifyInstance, repository: ShopRepository) {
  app.post<{ Body: NewOrder }>(
    '/orders',
    {
      schema: {
        tags,
        summary: 'Place an order: checks and decrements stock, prices from the current product prices',
        body: {
          type: 'object',
          properties: {
            customerId: id,
            items: {
              type: 'array',
              minItems: 1,
              maxItems: 100,
              items: {
                type: 'object',
                properties: { productId: id, quantity: { type: 'integer', minimum: 1 } },
                required: ['productId', 'quantity'],
                additionalProperties: false,
              },
            },
          },
          required: ['customerId', 'items'],
          additionalProperties: false,
        },
        response: { 201: ref('OrderDetails'), ...errorResponses(400, 404, 422) },
      },
    },
    async (request, reply) => reply.status(201).send(await repository.createOrder(request.body)),
  );

  app.get<{ Querystring: ListQuery }>(
    '/orders',
    {
      schema: {
        tags,
        summary: 'Orders newest first: keyset pages (`cursor`, the default) or offset pages (`page`)',
        description:
          'Without `page`, a keyset page: follow `nextCursor` (null on the last page) with `?cursor=`. ' +
          'With `page` (from 1), an offset page. `cursor` and `page` cannot be combined.',
        querystring: {
          type: 'object',
          properties: {
            cursor: { type: 'string', description: 'nextCursor of the previous keyset page' },
            page: { type: 'integer', minimum: 1, description: 'Offset page number, from 1' },
            pageSize,
            customerId: id,
            status: orderStatus,
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            description: 'Keyset pages carry `nextCursor`; offset pages carry `page` and `pageSize`.',
            properties: {
              items: { type: 'array', items: ref('Order') },
              nextCursor: { type: ['string', 'null'] },
              page: { type: 'integer' },
              pageSize: { type: 'integer' },
            },
            required: ['items'],
          },
          ...errorResponses(400),
        },
      },
    },
    (request) => {
      const { cursor, page, ...rest } = request.query;
      if (page !== undefined) {
        if (cursor !== undefined) throw new ValidationError('use either cursor (keyset) or page (offset)');
        return repository.listOrdersOffset({ page, ...rest });
      }
      return repository.listOrdersKeyset({ after: cursor ?? null, ...rest });
    },
  );

  app.get<{ Querystring: { limit: number; strategy: LoadStrategy; customerId?: number } }>(
    '/orders/recent',
    {
      schema: {
        tags,
        summary: 'The newest orders with customer, items and products, loaded with the given strategy',
        querystring: {
          type: 'object',
          properties: {
            limit: {
              type: 'integer',
              minimum: 1,
              maximum: Math.max(...Object.values(RECENT_LIMITS)),
              default: 20,
              description: `At most ${RECENT_LIMITS.naive} with strategy=naive, ${RECENT_LIMITS.joined} otherwise`,
            },
            strategy: loadStrategy,
            customerId: id,
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: ref('OrderDetails') }, ...errorResponses(400) },
      },
    },
    (request) => {
      const { strategy, ...query } = request.query;
      if (query.limit > RECENT_LIMITS[strategy]) {
        throw new ValidationError(
          `limit must be at most ${RECENT_LIMITS[strategy]} with strategy=${strategy} (it runs ` +
            `${strategy === 'naive' ? 'several statements per order' : 'a statement per relation level'})`,
          [{ path: 'querystring.limit', message: `at most ${RECENT_LIMITS[strategy]}` }],
        );
      }
      return repository.recentOrdersWithDetails(query, strategy);
    },
  );
}
