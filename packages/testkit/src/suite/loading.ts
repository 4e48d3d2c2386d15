import { LOAD_STRATEGIES, ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

export function loadingTests(h: Harness) {
  h.group('recentOrdersWithDetails', () => {
    for (const strategy of LOAD_STRATEGIES) {
      h.test(
        `${strategy}: returns the newest orders with customer, items (id asc) and products`,
        async () => {
          await h.load('dataset');
          const expected = await h.oracle.orderDetails(50);
          expect(expected).toHaveLength(50);
          expect(await h.repo.recentOrdersWithDetails({ limit: 50 }, strategy)).toEqual(expected);
        },
      );

      h.test(`${strategy}: filters by customer`, async () => {
        await h.load('dataset');
        const expected = await h.oracle.orderDetails(10, 7);
        expect(expected.length).toBeGreaterThan(0);
        expect(await h.repo.recentOrdersWithDetails({ limit: 10, customerId: 7 }, strategy)).toEqual(
          expected,
        );
        expect(await h.repo.recentOrdersWithDetails({ limit: 10, customerId: 999_999 }, strategy)).toEqual(
          [],
        );
      });
    }

    h.test('the three strategies return deep-equal results, including ties in created_at', async () => {
      const [naive, batched, joined] = await Promise.all(
        LOAD_STRATEGIES.map((s) => h.repo.recentOrdersWithDetails({ limit: 100 }, s)),
      );
      expect(naive).toHaveLength(BASE.orderCount);
      expect(batched).toEqual(naive);
      expect(joined).toEqual(naive);
      expect(naive).toEqual(await h.oracle.orderDetails(100));
    });

    h.test('every strategy returns items by id, also when their physical order differs', async () => {
      // the first item of the newest order with several items moves to the end of the heap: deleted and
      // inserted again with the same id, so a scan (and the order_id index) meet it after its siblings
      const { rows: picked } = await h.pool.query(
        `SELECT oi.* FROM order_items oi JOIN orders o ON o.id = oi.order_id
          WHERE oi.order_id IN (SELECT order_id FROM order_items GROUP BY order_id HAVING count(*) > 1)
          ORDER BY o.created_at DESC, o.id DESC, oi.id LIMIT 1`,
      );
      const moved = picked[0];
      await h.pool.query('DELETE FROM order_items WHERE id = $1', [moved.id]);
      await h.pool.query(
        `INSERT INTO order_items (id, order_id, product_id, quantity, unit_price_cents) OVERRIDING SYSTEM VALUE
         VALUES ($1, $2, $3, $4, $5)`,
        [moved.id, moved.order_id, moved.product_id, moved.quantity, moved.unit_price_cents],
      );
      const { rows: physical } = await h.pool.query(
        'SELECT id FROM order_items WHERE order_id = $1 ORDER BY ctid',
        [moved.order_id],
      );
      expect(physical.at(-1).id).toBe(moved.id); // the setup did move it
      const expected = await h.oracle.orderDetails(100);
      const order = expected.find((o) => o.id === moved.order_id)!;
      expect(order.items[0]!.id).toBe(moved.id);
      for (const strategy of LOAD_STRATEGIES) {
        expect(await h.repo.recentOrdersWithDetails({ limit: 100 }, strategy), strategy).toEqual(expected);
      }
    });

    h.test('an empty database gives an empty list for every strategy', async () => {
      await h.load('empty');
      for (const s of LOAD_STRATEGIES)
        expect(await h.repo.recentOrdersWithDetails({ limit: 5 }, s)).toEqual([]);
    });

    h.test('bad limits and strategies are ValidationError', async () => {
      await expectDalError(h.repo.recentOrdersWithDetails({ limit: 0 }, 'joined'), ValidationError);
      // biome-ignore lint/suspicious/noExplicitAny: wrong strategy on purpose
      await expectDalError(h.repo.recentOrdersWithDetails({ limit: 5 }, 'eager' as any), ValidationError);
    });

    h.test(
      'statement counts, as the database saw them: joined 1, batched 1 per level, naive 1 + per row (or per entity, with an identity map)',
      async (t) => {
        await h.load('dataset');
        const limit = 20;
        const expected = await h.oracle.orderDetails(limit);
        const items = expected.reduce((n, o) => n + o.items.length, 0);
        const counts: Record<string, number> = {};
        for (const strategy of LOAD_STRATEGIES) {
          await h.repo.recentOrdersWithDetails({ limit }, strategy); // warm-up: connections, prepared statements
          const counted = await h.count(t, () => h.repo.recentOrdersWithDetails({ limit }, strategy));
          expect(counted.result).toEqual(expected);
          counts[strategy] = counted.statements;
        }
        // naive: the orders, then per order its items; its customer and each item's product one query per row,
        // or, where the library keeps an identity map for the operation (MikroORM), once per distinct entity
        const distinct = (ids: number[]) => new Set(ids).size;
        const customers = distinct(expected.map((o) => o.customer.id));
        const products = distinct(expected.flatMap((o) => o.items.map((i) => i.product.id)));
        const naive = { perRow: 1 + 2 * limit + items, perEntity: 1 + limit + customers + products };
        expect(naive.perEntity).toBeLessThan(naive.perRow); // the dataset repeats customers and products
        expect({ joined: counts.joined, batched: counts.batched }).toEqual({ joined: 1, batched: 4 });
        expect([naive.perRow, naive.perEntity]).toContain(counts.naive);
      },
    );
  });
}
