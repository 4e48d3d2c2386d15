import { type DalErrorCode, isDalError } from '@dal/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** HTTP status of each contract error code. */
export const STATUS_OF: Record<DalErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  INSUFFICIENT_STOCK: 422,
  INSUFFICIENT_FUNDS: 422,
  VALIDATION: 400,
  INVALID_CURSOR: 400,
  UNAVAILABLE: 503,
};

/** Seconds a client is told to wait before retrying a 503 (Retry-After). */
export const RETRY_AFTER_SECONDS = 1;

/** An HTTP-level failure that no repository method raises (e.g. a missing precondition header). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function classify(error: unknown): { status: number; code: string; message: string } {
  if (isDalError(error)) {
    // the driver's own words (host, port, SQLSTATE text) stay in the log, not in the response
    const message = error.retryable ? 'the database is unavailable or timed out; retry later' : error.message;
    return { status: STATUS_OF[error.code], code: error.code, message };
  }
  if (error instanceof HttpError)
    return { status: error.statusCode, code: error.code, message: error.message };
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode ?? 500;
  // fastify's own 4xx (schema validation, malformed JSON, body too large, ...): the client's mistake
  if (status >= 400 && status < 500) {
    const code = status === 400 ? 'VALIDATION' : (fastifyError.code ?? 'BAD_REQUEST');
    return { status, code, message: fastifyError.message ?? 'bad request' };
  }
  return { status: 500, code: 'INTERNAL', message: 'internal server error' };
}

/** The one error handler: every failure becomes `{ error: code, message }` with the mapped status. */
export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const { status, code, message } = classify(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.status(status).send({ error: code, message });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return reply
    .status(404)
    .send({ error: 'NOT_FOUND', message: `route ${request.method} ${request.url} not found` });
}
