import { describe, expect, test } from 'vitest';
import {
  ConflictError,
  constraintError,
  IdempotencyConflictError,
  NotFoundError,
  pgErrorOf,
  replayedTransfer,
} from '../src/index';

const fk = Object.assign(new Error('insert or update violates foreign key constraint'), {
  code: '23503',
  severity: 'ERROR',
  constraint: 'order_items_order_id_fkey',
  detail: 'Key (order_id)=(999999) is not present in table "orders".',
});

describe('constraint error translation', () => {
  test('finds the PostgreSQL error inside library wrappers', () => {
    expect(pgErrorOf(new Error('wrapped', { cause: fk }))?.code).toBe('23503');
    expect(pgErrorOf({ message: 'typeorm', driverError: fk })?.constraint).toBe('order_items_order_id_fkey');
    expect(pgErrorOf(new Error('plain'))).toBeUndefined();
  });

  test('maps schema constraints to contract errors', () => {
    const notFound = constraintError(fk);
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({ entity: 'order', id: 999_999 });
    const unique = { code: '23505', severity: 'ERROR', constraint: 'customers_email_live_key' };
    expect(constraintError(unique)).toBeInstanceOf(ConflictError);
    expect(constraintError({ code: '23505', severity: 'ERROR', constraint: 'other' })).toBeUndefined();
  });
});

describe('replayed idempotency keys', () => {
  const original = {
    id: 7,
    fromAccountId: 1,
    toAccountId: 2,
    amountCents: 500,
    idempotencyKey: 'k',
    createdAt: new Date('2024-01-01T00:00:00Z'),
  };
  const request = { fromAccountId: 1, toAccountId: 2, amountCents: 500, idempotencyKey: 'k' };

  test('the same request gets the original transfer', () => {
    expect(replayedTransfer(original, request)).toBe(original);
  });

  test('any other amount or account is IdempotencyConflictError', () => {
    for (const other of [{ amountCents: 501 }, { fromAccountId: 3 }, { toAccountId: 3 }]) {
      expect(() => replayedTransfer(original, { ...request, ...other })).toThrow(IdempotencyConflictError);
    }
  });
});
