import { type ProductUpsert, type ShopRepository, ValidationError } from '@dal/core';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors';
import { errorResponses, idParams, ref } from '../schemas';

const tags = ['products'];

/** A product's entity tag is its version: `"3"`. */
export const etagOf = (version: number) => `"${version}"`;

/** The version an If-Match header names: `"3"` (as sent back in ETag), `W/"3"` or a bare `3`. */
export function versionFromIfMatch(header: string | undefined): number {
  if (header === undefined) {
    throw new HttpError(428, 'PRECONDITION_REQUIRED', 'If-Match with the product version is required');
  }
  const match = /^(?:W\/)?(?:"(\d{1,10})"|(\d{1,10}))$/.exec(header.trim());
  if (!match) throw new ValidationError(`If-Match must name one product version, e.g. "3"; got ${header}`);
  return Number(match[1] ?? match[2]);
}

const product = ref('Product');
const etag = { ETag: { type: 'string', description: 'The product version, quoted' } };

export function productRoutes(app: FastifyInstance, repository: ShopRepository) {
  app.get<{ Params: { id: number } }>(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'A product; ETag carries its version',
        params: idParams,
        response: { 200: { ...product, headers: etag }, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const found = await repository.getProduct(request.params.id);
      return reply.header('etag', etagOf(found.version)).send(found);
    },
  );

  app.patch<{ Params: { id: number }; Body: { priceCents: number }; Headers: { 'if-match'?: string } }>(
    '/products/:id/price',
    {
      schema: {
        tags,
        summary: 'Set the price, if the product is still at the version named by If-Match',
        params: idParams,
        headers: {
          type: 'object',
          properties: { 'if-match': { type: 'string', description: 'The version read, e.g. "3"' } },
        },
        body: {
          type: 'object',
          properties: { priceCents: { type: 'integer', minimum: 0 } },
          required: ['priceCents'],
          additionalProperties: false,
        },
        response: {
          200: { ...product, headers: etag },
          ...errorResponses(400, 404, 409, 428),
        },
      },
    },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const updated = await repository.updateProductPrice({
        id: request.params.id,
        priceCents: request.body.priceCents,
        expectedVersion,
      });
      return reply.header('etag', etagOf(updated.version)).send(updated);
    },
  );

  app.put<{ Body: ProductUpsert[] }>(
    '/products',
    {
      // 100,000 rows (the contract's limit) of JSON are a few MiB, above fastify's 1 MiB default
      bodyLimit: 32 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Insert or update products by sku (a sku may appear once); update bumps the version',
        body: {
          type: 'array',
          maxItems: 100_000,
          items: {
            type: 'object',
            properties: {
              sku: { type: 'string', minLength: 1 },
              name: { type: 'string', minLength: 1 },
              priceCents: { type: 'integer', minimum: 0 },
              stock: { type: 'integer', minimum: 0 },
            },
            required: ['sku', 'name', 'priceCents', 'stock'],
            additionalProperties: false,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { affected: { type: 'integer' } },
            required: ['affected'],
          },
          ...errorResponses(400),
        },
      },
    },
    (request) => repository.upsertProducts(request.body),
  );
}
