import { expect } from 'vitest';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

export function lifecycleTests(h: Harness) {
  h.group('lifecycle', () => {
    h.test(
      'a pool of 2 serves 20 concurrent transactions without waiting on itself',
      async () => {
        // a statement sent outside the transaction's own connection would wait for a free connection that
        // the transactions themselves hold: with two connections that hangs, and the test times out
        const small = await h.open(2);
        const work = Array.from({ length: 20 }, (_, i) =>
          i % 2
            ? small.createOrder({
                customerId: BASE.customers.alice.id,
                items: [{ productId: BASE.products.bulk.id, quantity: 1 }],
              })
            : small.transfer({
                fromAccountId: BASE.accounts.eve.id,
                toAccountId: BASE.accounts.dave.id,
                amountCents: 1,
                idempotencyKey: `small-${i}`,
              }),
        );
        const settled = await Promise.race([
          Promise.all(work),
          new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000).unref()),
        ]);
        expect(settled).not.toBe('hung');
        await small.close();
      },
      30_000,
    );

    h.test('close() releases every connection', async () => {
      const baseline = await h.oracle.foreignConnections(h.database);
      const other = await h.open(4);
      await Promise.all(Array.from({ length: 8 }, () => other.getProduct(1)));
      expect(await h.oracle.foreignConnections(h.database)).toBeGreaterThan(baseline);
      await other.close();
      for (let i = 0; i < 50 && (await h.oracle.foreignConnections(h.database)) > baseline; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await h.oracle.foreignConnections(h.database)).toBe(baseline);
    });

    h.test('meta describes the implementation', async () => {
      expect(h.meta.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(['raw', 'query-builder', 'orm']).toContain(h.meta.kind);
      expect(Object.keys(h.meta.libraries).length).toBeGreaterThan(0);
      for (const version of Object.values(h.meta.libraries)) expect(version).toMatch(/^\d+\.\d+\.\d+/);
      for (const hatch of h.meta.escapeHatches) expect(hatch.reason.length).toBeGreaterThan(10);
    });
  });
}
