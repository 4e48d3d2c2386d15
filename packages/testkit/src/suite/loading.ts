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
      'statement counts, as the database saw them: joined 1, batched 1 per level, naive 1 + per row',
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
        expect(counts).toEqual({ joined: 1, batched: 4, naive: 1 + 2 * limit + items });
      },
    );
  });
}
