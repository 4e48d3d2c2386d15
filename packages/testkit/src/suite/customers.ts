import { ConflictError, NotFoundError, ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const { alice, bob, carol } = BASE.customers;

export function customerTests(h: Harness) {
  h.group('customers', () => {
    h.test('createCustomer returns the stored customer with a new id and creation time', async () => {
      const before = Date.now();
      const created = await h.repo.createCustomer({ email: 'new@example.com', name: 'New Person' });
      expect(created).toEqual({
        id: expect.any(Number),
        email: 'new@example.com',
        name: 'New Person',
        createdAt: expect.any(Date),
      });
      expect(created.id).toBeGreaterThan(1000);
      expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before - 60_000);
      expect(await h.repo.getCustomer(created.id)).toEqual(created);
    });

    h.test(
      'createCustomer rejects a live email in any letter case with ConflictError and writes nothing',
      async () => {
        const before = await h.oracle.snapshot();
        await expectDalError(
          h.repo.createCustomer({ email: 'ALICE@example.COM', name: 'Impostor' }),
          ConflictError,
        );
        await expectDalError(
          h.repo.createCustomer({ email: 'bob@example.com', name: 'Impostor' }),
          ConflictError,
        );
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    h.test("createCustomer may reuse a soft-deleted customer's email", async () => {
      const created = await h.repo.createCustomer({ email: carol.email.toUpperCase(), name: 'Carol Again' });
      expect(created.email).toBe(carol.email.toUpperCase());
      expect((await h.repo.findCustomerByEmail(carol.email))?.id).toBe(created.id);
    });

    h.test('createCustomer validates its input before writing', async () => {
      const before = await h.oracle.snapshot();
      await expectDalError(h.repo.createCustomer({ email: 'not-an-email', name: 'X' }), ValidationError);
      await expectDalError(h.repo.createCustomer({ email: 'x@example.com', name: '' }), ValidationError);
      // biome-ignore lint/suspicious/noExplicitAny: wrong types on purpose
      await expectDalError(h.repo.createCustomer({ email: 42, name: 'X' } as any), ValidationError);
      expect(await h.oracle.snapshot()).toBe(before);
    });

    h.test('getCustomer returns a live customer exactly', async () => {
      expect(await h.repo.getCustomer(alice.id)).toEqual({
        ...alice,
        createdAt: new Date('2024-01-01T00:00:00.000Z'),
      });
    });

    h.test('getCustomer throws NotFoundError for a missing or soft-deleted customer', async () => {
      await expectDalError(h.repo.getCustomer(999_999), NotFoundError);
      await expectDalError(h.repo.getCustomer(carol.id), NotFoundError);
      await expectDalError(h.repo.getCustomer(0), ValidationError);
    });

    h.test('findCustomerByEmail is case-insensitive and sees live customers only', async () => {
      expect((await h.repo.findCustomerByEmail('BOB@example.com'))?.id).toBe(bob.id);
      expect((await h.repo.findCustomerByEmail('bob@EXAMPLE.com'))?.email).toBe(bob.email);
      expect(await h.repo.findCustomerByEmail(carol.email)).toBeNull();
      expect(await h.repo.findCustomerByEmail('nobody@example.com')).toBeNull();
    });

    h.test(
      'softDeleteCustomer hides the customer and frees the email; a second delete is NotFoundError',
      async () => {
        await h.repo.softDeleteCustomer(alice.id);
        await expectDalError(h.repo.getCustomer(alice.id), NotFoundError);
        expect(await h.repo.findCustomerByEmail(alice.email)).toBeNull();
        await expectDalError(h.repo.softDeleteCustomer(alice.id), NotFoundError);
        await expectDalError(h.repo.softDeleteCustomer(999_999), NotFoundError);
        const again = await h.repo.createCustomer({ email: alice.email, name: 'Alice Returns' });
        expect(again.id).not.toBe(alice.id);
      },
    );

    h.test('strings with quotes, semicolons, backslashes and unicode round-trip unchanged', async () => {
      const name = `O'Brien "Bobby"; DROP TABLE customers; -- \\ 🦄 Zoë 李 ǅ`;
      const email = "o'brien+tag;x@exämple.com";
      const created = await h.repo.createCustomer({ email, name });
      expect(created.name).toBe(name);
      expect(created.email).toBe(email);
      expect(await h.repo.getCustomer(created.id)).toEqual(created);
      // letter case folds in the ASCII part; unicode is stored and matched exactly whatever the server locale
      expect(await h.repo.findCustomerByEmail("O'BRIEN+TAG;X@exämple.com")).toEqual(created);
      const sku = `Q'"; -- ${name.slice(-6)}`;
      await h.repo.upsertProducts([{ sku, name, priceCents: 1, stock: 1 }]);
      const { rows } = await h.pool.query('SELECT id FROM products WHERE sku = $1', [sku]);
      const product = await h.repo.getProduct(rows[0].id);
      expect(product.sku).toBe(sku);
      expect(product.name).toBe(name);
      expect(await h.oracle.count('customers')).toBe(6);
    });
  });
}
