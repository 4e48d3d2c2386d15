import type { ShopRepository } from '@dal/core';
import { ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const NUL = '\u0000';
const { alice, bob } = BASE.accounts;

/**
 * Every text input of the contract, each called with a U+0000 in that place and valid values elsewhere.
 * PostgreSQL text cannot hold U+0000 (SQLSTATE 22021); sent as it is, each library fails in its own way.
 */
const textTakers = (repo: ShopRepository): Array<[string, () => Promise<unknown>]> => [
  ['createCustomer name', () => repo.createCustomer({ email: 'nul@example.com', name: `a${NUL}b` })],
  ['createCustomer email', () => repo.createCustomer({ email: `nul${NUL}@example.com`, name: 'Nul' })],
  ['findCustomerByEmail', () => repo.findCustomerByEmail(`alice${NUL}@example.com`)],
  [
    'upsertProducts sku',
    () => repo.upsertProducts([{ sku: `NUL-${NUL}`, name: 'Nul', priceCents: 1, stock: 1 }]),
  ],
  [
    'upsertProducts name',
    () => repo.upsertProducts([{ sku: 'NUL-1', name: `Nul${NUL}`, priceCents: 1, stock: 1 }]),
  ],
  [
    'transfer idempotencyKey',
    () =>
      repo.transfer({
        fromAccountId: alice.id,
        toAccountId: bob.id,
        amountCents: 1,
        idempotencyKey: `key-${NUL}`,
      }),
  ],
];

// A NUL character in any text input is the caller's error: ValidationError from the shared validator,
// before any statement is sent and with nothing written (not the driver's or the ORM's own error).
export function hostileInputTests(h: Harness) {
  h.group('hostile input', () => {
    for (const [name] of textTakers({} as ShopRepository)) {
      h.test(`a NUL character in ${name} is ValidationError before any statement`, async (t) => {
        const call = textTakers(h.repo).find(([n]) => n === name)![1];
        await h.repo.getProduct(BASE.products.widget.id); // warm-up: connections
        const before = await h.oracle.snapshot();
        const counted = await h.count(t, () => expectDalError(call(), ValidationError));
        expect(counted.result.message).toMatch(/NUL/);
        expect(counted.statements).toBe(0);
        expect(await h.oracle.snapshot()).toBe(before);
      });
    }
  });
}
