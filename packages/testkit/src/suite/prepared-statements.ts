import { NotFoundError, type ShopRepository } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';
import { type ParseMessage, startWireTap } from '../wire-tap';

const { widget, gadget, gizmo, bulk } = BASE.products;
const { alice, bob, carol } = BASE.customers;
const { eve } = BASE.accounts;

/** Ten getProduct calls after a first one, on a pool of one connection: the Parse messages they sent. */
async function parsesOfRepeatedRead(repo: ShopRepository, parses: ParseMessage[]): Promise<ParseMessage[]> {
  try {
    await repo.getProduct(widget.id);
    parses.length = 0;
    for (let i = 0; i < 10; i++) await repo.getProduct([widget, gadget, gizmo, bulk][i % 4]!.id);
    return parses.splice(0);
  } finally {
    await repo.close();
  }
}

export function preparedStatementTests(h: Harness) {
  h.group('prepared statements', () => {
    h.test('point reads with preparedStatements return what they return without', async () => {
      const prepared = await h.open(2, { preparedStatements: true });
      // past the fifth execution PostgreSQL may switch a prepared statement to its generic plan
      for (let round = 0; round < 7; round++) {
        expect(await prepared.getProduct(widget.id)).toEqual(await h.repo.getProduct(widget.id));
        expect(await prepared.getCustomer(alice.id)).toEqual(await h.repo.getCustomer(alice.id));
        expect(await prepared.findCustomerByEmail('bob@EXAMPLE.com')).toEqual(
          await h.repo.findCustomerByEmail(bob.email),
        );
        expect(await prepared.getAccount(eve.id)).toEqual(await h.repo.getAccount(eve.id));
      }
      await expectDalError(prepared.getProduct(999_999), NotFoundError);
      await expectDalError(prepared.getCustomer(carol.id), NotFoundError);
      expect(await prepared.findCustomerByEmail(carol.email)).toBeNull();
    });

    if (h.meta.preparedStatements) {
      h.test(
        'with preparedStatements, a repeated getProduct is parsed once per connection (on the wire)',
        async () => {
          const tap = await startWireTap(h.url);
          try {
            const unnamed = await parsesOfRepeatedRead(
              await h.open(1, { connectionString: tap.url }),
              tap.parses,
            );
            // the tap sees a Parse for every call of the default, unnamed statements
            expect(unnamed.length).toBeGreaterThanOrEqual(10);
            expect(unnamed.filter((p) => p.name !== '')).toEqual([]);
            const named = await parsesOfRepeatedRead(
              await h.open(1, { connectionString: tap.url, preparedStatements: true }),
              tap.parses,
            );
            expect(named).toEqual([]);
          } finally {
            await tap.close();
          }
        },
      );
    } else {
      h.test(
        'without a library API for prepared statements, preparedStatements changes nothing on the wire',
        async () => {
          const tap = await startWireTap(h.url);
          try {
            const parses = await parsesOfRepeatedRead(
              await h.open(1, { connectionString: tap.url, preparedStatements: true }),
              tap.parses,
            );
            expect(parses.length).toBeGreaterThanOrEqual(10);
            expect(parses.filter((p) => p.name !== '')).toEqual([]);
          } finally {
            await tap.close();
          }
        },
      );
    }
  });
}
