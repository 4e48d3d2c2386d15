import { NotFoundError, type RepositoryOptions } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';
import { type ParseMessage, startWireTap } from '../wire-tap';

const { widget, gadget, gizmo, bulk } = BASE.products;
const { alice, bob, carol } = BASE.customers;
const { eve } = BASE.accounts;

/**
 * The Parse messages, and the simple-protocol Query messages, of ten getProduct calls (after a first one) by
 * a repository on a pool of one connection, opened with `options` through a wire tap.
 */
async function sentByRepeatedRead(
  h: Harness,
  options: Partial<RepositoryOptions>,
): Promise<{ parses: ParseMessage[]; queries: string[] }> {
  const tap = await startWireTap(h.url);
  const repo = await h.open(1, { ...options, connectionString: tap.url });
  try {
    await repo.getProduct(widget.id);
    tap.parses.length = 0;
    tap.queries.length = 0;
    for (let i = 0; i < 10; i++) await repo.getProduct([widget, gadget, gizmo, bulk][i % 4]!.id);
    return { parses: [...tap.parses], queries: [...tap.queries] };
  } finally {
    await repo.close();
    await tap.close();
  }
}

const named = (parses: ParseMessage[]) => parses.filter((p) => p.name !== '');

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
          const { parses: unnamed } = await sentByRepeatedRead(h, {});
          // the tap sees a Parse for every call of the default, unnamed statements
          expect(unnamed.length).toBeGreaterThanOrEqual(10);
          expect(named(unnamed)).toEqual([]);
          expect((await sentByRepeatedRead(h, { preparedStatements: true })).parses).toEqual([]);
        },
      );
    } else {
      h.test(
        'without a library API for prepared statements, preparedStatements changes nothing on the wire',
        async () => {
          const { parses, queries } = await sentByRepeatedRead(h, { preparedStatements: true });
          // every call reaches the server, as an unnamed Parse or (values written into the SQL text by the
          // library) as a simple Query; none is named
          expect(parses.length + queries.length).toBeGreaterThanOrEqual(10);
          expect(named(parses)).toEqual([]);
        },
      );
    }
  });
}
