import { InsufficientStockError, NotFoundError, ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const { widget, gadget, gizmo, soldOut, bulk } = BASE.products;
const { alice, carol } = BASE.customers;

export function orderTests(h: Harness) {
  h.group('createOrder', () => {
    h.test('creates a pending order with current prices, item snapshots, and decrements stock', async () => {
      const details = await h.repo.createOrder({
        customerId: alice.id,
        items: [
          { productId: gadget.id, quantity: 2 },
          { productId: widget.id, quantity: 3 },
        ],
      });
      expect(details).toEqual({
        id: expect.any(Number),
        customerId: alice.id,
        status: 'pending',
        totalCents: 2 * gadget.priceCents + 3 * widget.priceCents,
        createdAt: expect.any(Date),
        customer: { id: alice.id, email: alice.email, name: alice.name },
        items: [
          {
            id: expect.any(Number),
            orderId: details.id,
            productId: gadget.id,
            quantity: 2,
            unitPriceCents: gadget.priceCents,
            product: { id: gadget.id, sku: gadget.sku, name: gadget.name },
          },
          {
            id: expect.any(Number),
            orderId: details.id,
            productId: widget.id,
            quantity: 3,
            unitPriceCents: widget.priceCents,
            product: { id: widget.id, sku: widget.sku, name: widget.name },
          },
        ],
      });
      expect(details.items[0]!.id).toBeLessThan(details.items[1]!.id);
      expect((await h.oracle.product(widget.id))?.stock).toBe(widget.stock - 3);
      expect((await h.oracle.product(gadget.id))?.stock).toBe(gadget.stock - 2);
      const [loaded] = await h.repo.recentOrdersWithDetails({ limit: 1 }, 'batched');
      expect(loaded).toEqual(details);
    });

    h.test('unit prices are snapshots: a later price change leaves the order as it was', async () => {
      const order = await h.repo.createOrder({
        customerId: alice.id,
        items: [{ productId: widget.id, quantity: 1 }],
      });
      await h.repo.updateProductPrice({ id: widget.id, priceCents: 1, expectedVersion: 1 });
      const [loaded] = await h.repo.recentOrdersWithDetails({ limit: 1 }, 'joined');
      expect(loaded?.items[0]?.unitPriceCents).toBe(widget.priceCents);
      expect(loaded?.totalCents).toBe(order.totalCents);
    });

    h.test('InsufficientStockError changes nothing', async () => {
      const before = await h.oracle.snapshot();
      const error = await expectDalError(
        h.repo.createOrder({
          customerId: alice.id,
          items: [
            { productId: widget.id, quantity: 1 },
            { productId: gizmo.id, quantity: 2 },
          ],
        }),
        InsufficientStockError,
      );
      expect(error.code).toBe('INSUFFICIENT_STOCK');
      await expectDalError(
        h.repo.createOrder({ customerId: alice.id, items: [{ productId: soldOut.id, quantity: 1 }] }),
        InsufficientStockError,
      );
      expect(await h.oracle.snapshot()).toBe(before);
    });

    h.test(
      'a missing product, a missing or a soft-deleted customer is NotFoundError and changes nothing',
      async () => {
        const before = await h.oracle.snapshot();
        await expectDalError(
          h.repo.createOrder({
            customerId: alice.id,
            items: [
              { productId: widget.id, quantity: 1 },
              { productId: 999_999, quantity: 1 },
            ],
          }),
          NotFoundError,
        );
        await expectDalError(
          h.repo.createOrder({ customerId: 999_999, items: [{ productId: widget.id, quantity: 1 }] }),
          NotFoundError,
        );
        await expectDalError(
          h.repo.createOrder({ customerId: carol.id, items: [{ productId: widget.id, quantity: 1 }] }),
          NotFoundError,
        );
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    h.test(
      'invalid orders are ValidationError: no items, zero quantity, a product listed twice',
      async () => {
        const before = await h.oracle.snapshot();
        await expectDalError(h.repo.createOrder({ customerId: alice.id, items: [] }), ValidationError);
        await expectDalError(
          h.repo.createOrder({ customerId: alice.id, items: [{ productId: widget.id, quantity: 0 }] }),
          ValidationError,
        );
        await expectDalError(
          h.repo.createOrder({
            customerId: alice.id,
            items: [
              { productId: widget.id, quantity: 1 },
              { productId: widget.id, quantity: 2 },
            ],
          }),
          ValidationError,
        );
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    h.test('concurrent orders never oversell and never deadlock (products locked in id order)', async () => {
      // 30 orders over the same two products, half listing them in reverse order: a deadlock or an
      // oversold stock would show here
      const attempts = Array.from({ length: 30 }, (_, i) =>
        h.repo.createOrder({
          customerId: alice.id,
          items:
            i % 2
              ? [
                  { productId: bulk.id, quantity: 1 },
                  { productId: widget.id, quantity: 1 },
                ]
              : [
                  { productId: widget.id, quantity: 1 },
                  { productId: bulk.id, quantity: 1 },
                ],
        }),
      );
      const results = await Promise.allSettled(attempts);
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      const failed = results.filter((r) => r.status === 'rejected');
      expect(ok).toBe(widget.stock);
      for (const f of failed)
        expect((f as PromiseRejectedResult).reason).toBeInstanceOf(InsufficientStockError);
      expect((await h.oracle.product(widget.id))?.stock).toBe(0);
      expect((await h.oracle.product(bulk.id))?.stock).toBe(bulk.stock - widget.stock);
      expect(await h.oracle.count('orders')).toBe(BASE.orderCount + widget.stock);
    });
  });
}
