import type { ShopRepository } from '@dal/core';
import type { FastifyInstance } from 'fastify';
import { AnsweredTransfers } from '../answered-transfers';
import { errorResponses, id, ref } from '../schemas';

interface TransferBody {
  fromAccountId: number;
  toAccountId: number;
  amountCents: number;
}

export function transferRoutes(app: FastifyInstance, repository: ShopRepository) {
  const answered = new AnsweredTransfers();

  app.post<{ Body: TransferBody; Headers: { 'idempotency-key': string } }>(
    '/transfers',
    {
      schema: {
        tags: ['transfers'],
        summary: 'Move money between two accounts, at most once per Idempotency-Key',
        description:
          'A replay of the same key with the same body returns the original transfer and moves nothing ' +
          '(200 when this process answered it before, else 201); the same key with another body is a 409.',
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['idempotency-key'],
        },
        body: {
          type: 'object',
          properties: {
            fromAccountId: id,
            toAccountId: id,
            amountCents: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
          },
          required: ['fromAccountId', 'toAccountId', 'amountCents'],
          additionalProperties: false,
        },
        response: {
          200: { ...ref('Transfer'), description: 'Replay: the original transfer' },
          201: ref('Transfer'),
          ...errorResponses(400, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const transfer = await repository.transfer({
        ...request.body,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return reply.status(answered.isFirstAnswer(transfer) ? 201 : 200).send(transfer);
    },
  );
}
