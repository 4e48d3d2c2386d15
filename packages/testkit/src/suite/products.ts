import { NotFoundError, ValidationError, VersionConflictError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const { widget, gadget } = BASE.products;

export function productTests(h: Harness) {
  h.group('products', () => {
    h.test('getProduct returns the product exactly; NotFoundError when missing', async () => {
      expect(await h.repo.getProduct(widget.id)).toEqual({
        ...widget,
        version: 1,
        updatedAt: new Date('2024-01-01T00:00:00.000Z'),
      });
      await expectDalError(h.repo.getProduct(999_999), NotFoundError);
    });

    h.test('updateProductPrice sets the price and bumps version and updated_at', async () => {
      const updated = await h.repo.updateProductPrice({
        id: widget.id,
        priceCents: 1999,
        expectedVersion: 1,
      });
      expect(updated).toEqual({ ...widget, priceCents: 1999, version: 2, updatedAt: expect.any(Date) });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(new Date('2024-01-02').getTime());
      expect(await h.oracle.product(widget.id)).toEqual(updated);
      const again = await h.repo.updateProductPrice({ id: widget.id, priceCents: 2999, expectedVersion: 2 });
      expect(again.version).toBe(3);
    });

    h.test('updateProductPrice is one compare-and-set statement', async (t) => {
      await h.repo.updateProductPrice({ id: gadget.id, priceCents: 1, expectedVersion: 1 }); // warm-up
      const counted = await h.count(t, () =>
        h.repo.updateProductPrice({ id: gadget.id, priceCents: 2, expectedVersion: 2 }),
      );
      expect(counted.statements).toBe(1);
      expect(counted.result.version).toBe(3);
    });

    h.test(
      'updateProductPrice tells a moved version (VersionConflictError) from a missing id (NotFoundError)',
      async () => {
        const before = await h.oracle.snapshot();
        const conflict = await expectDalError(
          h.repo.updateProductPrice({ id: widget.id, priceCents: 1, expectedVersion: 7 }),
          VersionConflictError,
        );
        expect(conflict.code).toBe('VERSION_CONFLICT');
        const missing = await expectDalError(
          h.repo.updateProductPrice({ id: 999_999, priceCents: 1, expectedVersion: 1 }),
          NotFoundError,
        );
        expect(missing.code).toBe('NOT_FOUND');
        await expectDalError(
          h.repo.updateProductPrice({ id: widget.id, priceCents: -1, expectedVersion: 1 }),
          ValidationError,
        );
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    h.test('two concurrent price updates with the same expected version: exactly one wins', async () => {
      for (let round = 0; round < 10; round++) {
        const version = round + 1;
        const results = await Promise.allSettled([
          h.repo.updateProductPrice({ id: widget.id, priceCents: 100 + round, expectedVersion: version }),
          h.repo.updateProductPrice({ id: widget.id, priceCents: 200 + round, expectedVersion: version }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflictError);
        expect((await h.oracle.product(widget.id))?.version).toBe(version + 1);
      }
    });

    h.test('upsertProducts inserts new skus and updates existing ones, bumping their version', async () => {
      const { affected } = await h.repo.upsertProducts([
        { sku: widget.sku, name: 'Widget Pro', priceCents: 1300, stock: 11 },
        { sku: 'SKU-NEW-1', name: 'Brand New', priceCents: 10, stock: 3 },
        { sku: 'SKU-NEW-2', name: 'Also New', priceCents: 0, stock: 0 },
      ]);
      expect(affected).toBe(3);
      expect(await h.oracle.product(widget.id)).toMatchObject({
        name: 'Widget Pro',
        priceCents: 1300,
        stock: 11,
        version: 2,
      });
      const { rows } = await h.pool.query(
        "SELECT sku, name, price_cents, stock, version FROM products WHERE sku LIKE 'SKU-NEW-%' ORDER BY sku",
      );
      expect(rows).toEqual([
        { sku: 'SKU-NEW-1', name: 'Brand New', price_cents: 10, stock: 3, version: 1 },
        { sku: 'SKU-NEW-2', name: 'Also New', price_cents: 0, stock: 0, version: 1 },
      ]);
      expect((await h.oracle.product(gadget.id))?.version).toBe(1);
    });

    h.test(
      "upsertProducts moves updated rows' updatedAt to the database clock, not new rows' only",
      async () => {
        const before = await h.oracle.product(widget.id);
        expect(before?.updatedAt.toISOString()).toBe('2024-01-01T00:00:00.000Z');
        await h.repo.upsertProducts([{ sku: widget.sku, name: 'Widget', priceCents: 1250, stock: 10 }]);
        const { rows } = await h.pool.query(
          'SELECT now() - updated_at AS age, updated_at > $2::timestamptz AS moved FROM products WHERE id = $1',
          [widget.id, BASE.productsUpdatedAt],
        );
        expect(rows[0].moved).toBe(true);
        expect((await h.repo.getProduct(widget.id)).updatedAt.getTime()).toBeGreaterThan(
          before!.updatedAt.getTime(),
        );
      },
    );

    h.test('upsertProducts is one INSERT ... ON CONFLICT statement for a small chunk', async (t) => {
      const rows = Array.from({ length: 50 }, (_, i) => ({
        sku: `SKU-C-${i}`,
        name: `C ${i}`,
        priceCents: i,
        stock: i,
      }));
      await h.repo.upsertProducts(rows.slice(0, 1)); // warm-up
      const counted = await h.count(t, () => h.repo.upsertProducts(rows));
      expect(counted.result.affected).toBe(50);
      expect(counted.statements).toBe(1);
      expect(counted.queries[0]?.query).toMatch(/on conflict/i);
    });

    h.test('upsertProducts rejects duplicate skus with ValidationError before any write', async () => {
      const before = await h.oracle.snapshot();
      await expectDalError(
        h.repo.upsertProducts([
          { sku: 'SKU-DUP', name: 'One', priceCents: 1, stock: 1 },
          { sku: 'SKU-OK', name: 'Ok', priceCents: 1, stock: 1 },
          { sku: 'SKU-DUP', name: 'Two', priceCents: 2, stock: 2 },
        ]),
        ValidationError,
      );
      await expectDalError(
        h.repo.upsertProducts([{ sku: 'SKU-NEG', name: 'Neg', priceCents: -5, stock: 1 }]),
        ValidationError,
      );
      expect(await h.oracle.snapshot()).toBe(before);
    });

    h.test('upsertProducts handles 20,000 rows in one call', async () => {
      const rows = Array.from({ length: 20_000 }, (_, i) => ({
        sku: `SKU-BIG-${i}`,
        name: `Big ${i}`,
        priceCents: i,
        stock: i,
      }));
      expect((await h.repo.upsertProducts(rows)).affected).toBe(20_000);
      expect(await h.oracle.count('products')).toBe(20_005);
    });
  });
}
