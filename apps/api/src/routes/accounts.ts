import type { ShopRepository } from '@dal/core';
import type { FastifyInstance } from 'fastify';
import { errorResponses, idParams, ref } from '../schemas';

export function accountRoutes(app: FastifyInstance, repository: ShopRepository) {
  app.get<{ Params: { id: number } }>(
    '/accounts/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'An account and its balance',
        params: idParams,
        response: { 200: ref('Account'), ...errorResponses(400, 404) },
      },
    },
    (request) => repository.getAccount(request.params.id),
  );
}
