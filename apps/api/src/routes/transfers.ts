import { type ShopRepository, ValidationError } from '@dal/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AnsweredTransfers } from '../answered-transfers';
import { errorResponses, id, ref } from '../schemas';

interface TransferBody {
  fromAccountId: number;
  toAccountId: number;
  amountCents: number;
}

/** Visible ASCII, no spaces: a key means the same bytes to every client, proxy and log. */
const KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * The Idempotency-Key, sent exactly once. Node joins a repeated header into one value ("a, b"), which would
 * silently become a third key; and header bytes are read as Latin-1, so a UTF-8 key would not round-trip.
 */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const raw = request.raw.rawHeaders;
  const sent: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'idempotency-key') sent.push(raw[i + 1]!);
  }
  if (sent.length !== 1) {
    throw new ValidationError(`send the Idempotency-Key header exactly once (got it ${sent.length} times)`, [
      { path: 'headers.idempotency-key', message: 'exactly once' },
    ]);
  }
  const key = sent[0]!;
  if (!KEY.test(key)) {
    throw new ValidationError(
      'Idempotency-Key must be 1 to 200 visible ASCII characters (letters, digits, punctuation; no spaces ' +
        'or non-ASCII: percent-encode or base64 such a key)',
      [{ path: 'headers.idempotency-key', message: 'visible ASCII, 1..200' }],
    );
  }
  return key;
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
          properties: {
            'idempotency-key': {
              type: 'string',
              description: 'Sent once; 1..200 visible ASCII characters (no spaces)',
            },
          },
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
        idempotencyKey: idempotencyKeyOf(request),
      });
      return reply.status(answered.isFirstAnswer(transfer) ? 201 : 200).send(transfer);
    },
  );
}
