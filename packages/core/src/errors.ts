/** Stable error codes of the contract. Callers switch on `code`, never on the class name or message. */
export type DalErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'VERSION_CONFLICT'
  | 'INSUFFICIENT_STOCK'
  | 'INSUFFICIENT_FUNDS'
  | 'IDEMPOTENCY_CONFLICT'
  | 'INVALID_CURSOR'
  | 'VALIDATION'
  | 'UNAVAILABLE';

/** Base class of every error the contract throws. Driver and ORM errors never leak through it. */
export abstract class DalError extends Error {
  abstract readonly code: DalErrorCode;
  /** True when the same call may succeed if simply made again later (only UNAVAILABLE). */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DalError {
  readonly code = 'NOT_FOUND' as const;
  constructor(
    readonly entity: string,
    readonly id: number | string,
    options?: { cause?: unknown },
  ) {
    super(`${entity} ${id} not found`, options);
  }
}

export class ConflictError extends DalError {
  readonly code = 'CONFLICT' as const;
}

export class VersionConflictError extends DalError {
  readonly code = 'VERSION_CONFLICT' as const;
  constructor(
    readonly entity: string,
    readonly id: number,
    readonly expectedVersion: number,
  ) {
    super(`${entity} ${id} is no longer at version ${expectedVersion}`);
  }
}

export class InsufficientStockError extends DalError {
  readonly code = 'INSUFFICIENT_STOCK' as const;
  constructor(
    readonly productId: number,
    readonly requested: number,
    readonly available: number,
  ) {
    super(`product ${productId}: requested ${requested}, only ${available} in stock`);
  }
}

export class InsufficientFundsError extends DalError {
  readonly code = 'INSUFFICIENT_FUNDS' as const;
  constructor(
    readonly accountId: number,
    readonly amountCents: number,
  ) {
    super(`account ${accountId} cannot cover ${amountCents} cents`);
  }
}

export class IdempotencyConflictError extends DalError {
  readonly code = 'IDEMPOTENCY_CONFLICT' as const;
  constructor(readonly idempotencyKey: string) {
    super(`idempotency key ${JSON.stringify(idempotencyKey)} was used with other parameters`);
  }
}

export class InvalidCursorError extends DalError {
  readonly code = 'INVALID_CURSOR' as const;
  constructor(reason = 'malformed or tampered cursor') {
    super(reason);
  }
}

export class ValidationError extends DalError {
  readonly code = 'VALIDATION' as const;
  constructor(
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The database is unavailable or timed out: the connection was refused or dropped, the server shut the
 * session down or cancelled the statement, no pooled connection came free within the acquire timeout, or a
 * transaction still hit serialization failures or deadlocks after its bounded retries. Retryable: the same
 * call may succeed later (HTTP 503 with Retry-After).
 */
export class UnavailableError extends DalError {
  readonly code = 'UNAVAILABLE' as const;
  override readonly retryable = true;
  constructor(message = 'the database is unavailable or timed out', options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isDalError(error: unknown): error is DalError {
  return error instanceof DalError;
}
