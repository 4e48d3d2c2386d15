import { describe, expect, test } from 'vitest';
import { encodeCursor, InvalidCursorError, ValidationError, validate } from '../src/index';

describe('validate', () => {
  test('keeps free text exactly as given', () => {
    const input = { email: "o'brien;x@exämple.com", name: '  Zoë "Z" ; -- 🦄  ' };
    expect(validate.newCustomer(input)).toEqual(input);
  });

  test('reports every problem with its path', () => {
    try {
      validate.newOrder({ customerId: -1, items: [{ productId: 1, quantity: 0 }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['customerId', 'items.0.quantity']));
    }
  });

  test('rejects duplicate skus and duplicate products', () => {
    const row = { sku: 'A', name: 'a', priceCents: 1, stock: 1 };
    expect(() => validate.upsertProducts([row, { ...row }])).toThrow(/duplicate sku/);
    const item = { productId: 1, quantity: 1 };
    expect(() => validate.newOrder({ customerId: 1, items: [item, item] })).toThrow(ValidationError);
  });

  test('transfer: positive integer amounts between two different accounts', () => {
    const base = { fromAccountId: 1, toAccountId: 2, idempotencyKey: 'k' };
    expect(validate.transfer({ ...base, amountCents: 5 })).toEqual({ ...base, amountCents: 5 });
    for (const amountCents of [0, -1, 1.5, Number.NaN]) {
      expect(() => validate.transfer({ ...base, amountCents })).toThrow(ValidationError);
    }
    expect(() => validate.transfer({ ...base, toAccountId: 1, amountCents: 5 })).toThrow(/same account/);
  });

  test('keyset query decodes the cursor, and a bad cursor is InvalidCursorError (not ValidationError)', () => {
    const after = encodeCursor({ createdAt: '2024-01-01T00:00:00.123456Z', id: 9 });
    expect(validate.keysetQuery({ after, pageSize: 10 }).position).toEqual({
      createdAt: '2024-01-01T00:00:00.123456Z',
      id: 9,
    });
    expect(validate.keysetQuery({ pageSize: 10 }).position).toBeNull();
    expect(() => validate.keysetQuery({ after: '', pageSize: 10 })).toThrow(InvalidCursorError);
  });

  test('bulk method must be one the implementation supports', () => {
    expect(() => validate.orderItems([], 'copy', ['loop', 'batch'])).toThrow(/not supported/);
    expect(validate.orderItems([], 'batch', ['loop', 'batch'])).toEqual({ rows: [], method: 'batch' });
  });

  test('a NUL character (U+0000) in any text input is ValidationError', () => {
    const nul = 'a\u0000b';
    const customer = { email: 'x@example.com', name: 'X' };
    expect(() => validate.newCustomer({ ...customer, name: nul })).toThrow(/NUL/);
    expect(() => validate.newCustomer({ ...customer, email: `x${nul}@example.com` })).toThrow(/NUL/);
    expect(() => validate.email(`x${nul}@example.com`)).toThrow(ValidationError);
    const row = { sku: 'A', name: 'a', priceCents: 1, stock: 1 };
    expect(() => validate.upsertProducts([{ ...row, sku: nul }])).toThrow(ValidationError);
    expect(() => validate.upsertProducts([{ ...row, name: nul }])).toThrow(ValidationError);
    const transfer = { fromAccountId: 1, toAccountId: 2, amountCents: 5, idempotencyKey: nul };
    expect(() => validate.transfer(transfer)).toThrow(ValidationError);
    // the cursor is opaque: a NUL makes it malformed, as any other damage does
    expect(() => validate.keysetQuery({ after: nul, pageSize: 10 })).toThrow(InvalidCursorError);
    // other control characters and unicode still round-trip unchanged
    expect(validate.newCustomer({ ...customer, name: 'tab\there \u0001 🦄' }).name).toBe(
      'tab\there \u0001 🦄',
    );
  });
});
