import type { Transfer } from './domain';
import { IdempotencyConflictError } from './errors';
import type { TransferRequest } from './inputs';

/**
 * The answer to a replayed idempotency key: the original transfer when the request matches it, otherwise
 * IdempotencyConflictError. Every implementation reads the original its own way and decides here.
 */
export function replayedTransfer(original: Transfer, request: TransferRequest): Transfer {
  if (
    original.fromAccountId !== request.fromAccountId ||
    original.toAccountId !== request.toAccountId ||
    original.amountCents !== request.amountCents
  ) {
    throw new IdempotencyConflictError(request.idempotencyKey);
  }
  return original;
}
