import { INSERT_CHUNK_ROWS, type NewOrderItem, NotFoundError, ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

/** Deterministic rows over the base orders and products (product 4 excluded for variety). */
export function orderItemRows(n: number): NewOrderItem[] {
  return Array.from({ length: n }, (_, i) => ({
    orderId: 1 + (i % BASE.orderCount),
    productId: [1, 2, 3, 5][i % 4]!,
    quantity: 1 + (i % 7),
    unitPriceCents: (i * 37) % 10_000,
  }));
}

async function insertedRows(h: Harness) {
  const { rows } = await h.pool.query(
    'SELECT order_id AS "orderId", product_id AS "productId", quantity, unit_price_cents AS "unitPriceCents" FROM order_items WHERE id > 1000 ORDER BY id',
  );
  return rows;
}

export function bulkTests(h: Harness) {
  h.group('insertOrderItems', () => {
    for (const method of h.meta.bulkMethods) {
      h.test(`${method}: inserts every row exactly`, async () => {
        const rows = orderItemRows(500);
        expect(await h.repo.insertOrderItems(rows, method)).toBe(500);
        expect(await insertedRows(h)).toEqual(rows);
      });

      h.test(`${method}: all or nothing — one row with a missing order writes zero rows`, async () => {
        const before = await h.oracle.snapshot();
        const rows = orderItemRows(300);
        rows[250] = { ...rows[250]!, orderId: 999_999 };
        await expectDalError(h.repo.insertOrderItems(rows, method), NotFoundError);
        const badProduct = orderItemRows(10);
        badProduct[9] = { ...badProduct[9]!, productId: 999_999 };
        await expectDalError(h.repo.insertOrderItems(badProduct, method), NotFoundError);
        expect(await h.oracle.snapshot()).toBe(before);
      });
    }

    h.test(
      'batch: all or nothing across chunks: a bad row in a late chunk writes zero rows',
      async () => {
        const before = await h.oracle.snapshot();
        const rows = orderItemRows(3 * INSERT_CHUNK_ROWS);
        rows[rows.length - 5] = { ...rows[rows.length - 5]!, orderId: 999_999 };
        await expectDalError(h.repo.insertOrderItems(rows, 'batch'), NotFoundError);
        expect(await h.oracle.snapshot()).toBe(before);
      },
      120_000,
    );

    h.test(
      'batch: 100,000 rows in one call (chunked below the 65,535 bind-parameter limit)',
      async () => {
        const rows = orderItemRows(100_000);
        expect(await h.repo.insertOrderItems(rows, 'batch')).toBe(100_000);
        expect(await h.oracle.count('order_items')).toBe(100_000 + (await baseItemCount(h)));
        const { rows: sample } = await h.pool.query(
          'SELECT quantity, unit_price_cents FROM order_items WHERE id > 1000 ORDER BY id OFFSET 99999',
        );
        expect(sample).toEqual([
          { quantity: rows[99_999]!.quantity, unit_price_cents: rows[99_999]!.unitPriceCents },
        ]);
      },
      120_000,
    );

    h.test('statements per method, as the database saw them', async (t) => {
      const rows = orderItemRows(40);
      const expected: Record<string, (n: number) => boolean> = {
        loop: (n) => n === 40,
        batch: (n) => n === 1,
        unnest: (n) => n === 1,
        copy: (n) => n === 1,
      };
      for (const method of h.meta.bulkMethods) {
        await h.repo.insertOrderItems(rows.slice(0, 2), method); // warm-up
        const counted = await h.count(t, () => h.repo.insertOrderItems(rows, method));
        expect(expected[method]!(counted.statements), `${method}: ${JSON.stringify(counted.queries)}`).toBe(
          true,
        );
      }
    });

    h.test('loop and batch are always supported', async () => {
      expect(h.meta.bulkMethods).toEqual(expect.arrayContaining(['loop', 'batch']));
    });

    h.test('an unknown method or an invalid row is ValidationError and writes nothing', async () => {
      const before = await h.oracle.snapshot();
      // biome-ignore lint/suspicious/noExplicitAny: unknown method on purpose
      await expectDalError(h.repo.insertOrderItems(orderItemRows(3), 'magic' as any), ValidationError);
      const rows = orderItemRows(3);
      rows[1] = { ...rows[1]!, quantity: 0 };
      await expectDalError(h.repo.insertOrderItems(rows, 'batch'), ValidationError);
      expect(await h.oracle.snapshot()).toBe(before);
    });

    h.test('an empty list inserts nothing and returns 0', async () => {
      for (const method of h.meta.bulkMethods) expect(await h.repo.insertOrderItems([], method)).toBe(0);
    });
  });
}

async function baseItemCount(h: Harness): Promise<number> {
  const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM order_items WHERE id <= 1000');
  return rows[0].n;
}
