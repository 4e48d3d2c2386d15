import type { ShopRepository } from '@dal/core';
import { ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const { alice, bob } = BASE.customers;
const { widget, gadget, gizmo, bulk } = BASE.products;

/** Every id a contract method takes, each called with `id` in that place and valid values elsewhere. */
const idTakers = (repo: ShopRepository, id: number): Array<[string, () => Promise<unknown>]> => [
  ['getCustomer', () => repo.getCustomer(id)],
  ['softDeleteCustomer', () => repo.softDeleteCustomer(id)],
  ['getProduct', () => repo.getProduct(id)],
  ['getAccount', () => repo.getAccount(id)],
  ['updateProductPrice', () => repo.updateProductPrice({ id, priceCents: 1, expectedVersion: 1 })],
  [
    'createOrder customerId',
    () => repo.createOrder({ customerId: id, items: [{ productId: 1, quantity: 1 }] }),
  ],
  [
    'createOrder productId',
    () => repo.createOrder({ customerId: 1, items: [{ productId: id, quantity: 1 }] }),
  ],
  ['recentOrdersWithDetails', () => repo.recentOrdersWithDetails({ limit: 5, customerId: id }, 'joined')],
  ['listOrdersOffset', () => repo.listOrdersOffset({ page: 1, pageSize: 5, customerId: id })],
  ['listOrdersKeyset', () => repo.listOrdersKeyset({ pageSize: 5, customerId: id })],
  ['countOrders', () => repo.countOrders({ customerId: id })],
  [
    'insertOrderItems',
    () => repo.insertOrderItems([{ orderId: id, productId: 1, quantity: 1, unitPriceCents: 1 }], 'batch'),
  ],
  [
    'transfer',
    () => repo.transfer({ fromAccountId: id, toAccountId: 2, amountCents: 1, idempotencyKey: `bad-${id}` }),
  ],
];

const BAD_IDS = [0, -1, 1.5, 2 ** 31, Number.NaN];

/** Rows of `table` whose `column` has digits below the millisecond (a Date from the application has none). */
async function subMillisecond(h: Harness, table: string, column: string, ids: number[]): Promise<number> {
  const { rows } = await h.pool.query(
    `SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1) AND extract(microseconds FROM ${column})::bigint % 1000 <> 0`,
    [ids],
  );
  return rows[0].n;
}

export function invariantTests(h: Harness) {
  h.group('ids', () => {
    h.test(
      'every id-taking method rejects 0, negatives, fractions and out-of-range ids with ValidationError',
      async () => {
        const before = await h.oracle.snapshot();
        for (const id of BAD_IDS) {
          for (const [name, call] of idTakers(h.repo, id)) {
            const error = await call().then(
              () => new Error(`${name}(${id}) returned`),
              (e: unknown) => e,
            );
            expect(error, `${name}(${id}): ${error}`).toBeInstanceOf(ValidationError);
          }
        }
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    h.test('a bad id is refused before any statement is sent', async (t) => {
      await h.repo.getProduct(widget.id); // warm-up: connections
      const counted = await h.count(t, async () => {
        for (const id of [0, 1.5]) {
          for (const [, call] of idTakers(h.repo, id)) await call().catch(() => {});
        }
      });
      expect(counted.statements).toBe(0);
    });
  });

  h.group('timestamps', () => {
    h.test('written timestamps come from the database clock, with microseconds', async () => {
      // now() carries microseconds; a Date made by the application has none below the millisecond. Over
      // four statements per kind of write, a database clock shows sub-millisecond digits (each statement's
      // now() is a whole millisecond 1 time in 1,000, so all four 1 in 10^12)
      const customers: number[] = [];
      for (let i = 0; i < 4; i++) {
        customers.push((await h.repo.createCustomer({ email: `clock-${i}@example.com`, name: 'Clock' })).id);
      }
      expect(await subMillisecond(h, 'customers', 'created_at', customers)).toBeGreaterThan(0);
      for (const id of customers) await h.repo.softDeleteCustomer(id);
      expect(await subMillisecond(h, 'customers', 'deleted_at', customers)).toBeGreaterThan(0);

      const catalogue = [widget, gadget, gizmo, bulk];
      const products = catalogue.map((p) => p.id);
      for (const id of products) await h.repo.updateProductPrice({ id, priceCents: 5, expectedVersion: 1 });
      expect(await subMillisecond(h, 'products', 'updated_at', products)).toBeGreaterThan(0);
      await h.pool.query("UPDATE products SET updated_at = '2024-01-01T00:00:00Z'");
      // one call per product: rows written by one statement share one now(), so one call would be one sample
      for (const p of catalogue) {
        await h.repo.upsertProducts([{ sku: p.sku, name: p.name, priceCents: 7, stock: 100 }]);
      }
      expect(await subMillisecond(h, 'products', 'updated_at', products)).toBeGreaterThan(0);

      const orders: number[] = [];
      for (let i = 0; i < 4; i++) {
        const customerId = i % 2 ? alice.id : bob.id;
        orders.push(
          (await h.repo.createOrder({ customerId, items: [{ productId: bulk.id, quantity: 1 }] })).id,
        );
      }
      expect(await subMillisecond(h, 'orders', 'created_at', orders)).toBeGreaterThan(0);

      const transfers: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t = await h.repo.transfer({
          fromAccountId: BASE.accounts.eve.id,
          toAccountId: BASE.accounts.alice.id,
          amountCents: 1,
          idempotencyKey: `clock-${i}`,
        });
        transfers.push(t.id);
      }
      expect(await subMillisecond(h, 'transfers', 'created_at', transfers)).toBeGreaterThan(0);
    });
  });
}
