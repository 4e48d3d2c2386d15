import { describe, expect, test } from 'vitest';
import { ConflictError, constraintError, NotFoundError, pgErrorOf } from '../src/index';

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
