import { type NewOrderItem, NotFoundError } from '@dal/core';
import { BASE, loadFixture, useSchemaDatabase } from '@dal/testkit';
import knex from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createRepository } from '../src/index';

// Knex-specific: every statement of a transaction must go through `trx`. A statement on the root instance
// inside a transaction asks the pool for a second connection, which a small pool under load never has.

const db = useSchemaDatabase('knex_trx');
let pool: pg.Pool;

const itemRows = (n: number): NewOrderItem[] =>
  Array.from({ length: n }, (_, i) => ({
    orderId: 1 + (i % BASE.orderCount),
    productId: BASE.products.bulk.id,
    quantity: 1 + (i % 5),
    unitPriceCents: i,
  }));

const count = async (table: string) =>
  (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

beforeAll(() => {
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
beforeEach(() => loadFixture(pool, db.url, 'base'));
afterAll(() => pool.end());

test('the hazard is real: a root-instance statement inside a transaction on a pool of one never gets a connection', async () => {
  const root = knex({
    client: 'pg',
    connection: db.url,
    pool: { min: 0, max: 1 },
    acquireConnectionTimeout: 1_000,
    log: { warn: () => {} }, // the timeout below is the expected outcome, not worth a stack trace
  });
  try {
    const misuse = root.transaction(async (trx) => {
      await trx('products').first('id');
      return root('products').first('id');
    });
    await expect(misuse).rejects.toThrow(/Timeout acquiring a connection/);
  } finally {
    await root.destroy();
  }
});

test('a pool of one connection serves concurrent transactions of every kind', async () => {
  const repo = createRepository({ connectionString: db.url, poolSize: 1 });
  const [orders, items, transfers] = [
    await count('orders'),
    await count('order_items'),
    await count('transfers'),
  ];
  try {
    const work = [
      ...Array.from({ length: 4 }, () =>
        repo.createOrder({
          customerId: BASE.customers.alice.id,
          items: [{ productId: BASE.products.bulk.id, quantity: 1 }],
        }),
      ),
      ...Array.from({ length: 4 }, (_, i) =>
        repo.transfer({
          fromAccountId: BASE.accounts.eve.id,
          toAccountId: BASE.accounts.dave.id,
          amountCents: 1,
          idempotencyKey: `pool-of-one-${i}`,
        }),
      ),
      repo.upsertProducts([{ sku: 'SKU-POOL-1', name: 'Pool', priceCents: 1, stock: 1 }]),
      ...(['loop', 'batch', 'unnest', 'copy'] as const).map((method) =>
        repo.insertOrderItems(itemRows(10), method),
      ),
    ];
    const settled = await Promise.race([
      Promise.all(work),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 20_000).unref()),
    ]);
    expect(settled).not.toBe('hung');
    expect(await count('orders')).toBe(orders + 4);
    expect(await count('order_items')).toBe(items + 4 + 40);
    expect(await count('transfers')).toBe(transfers + 4);
  } finally {
    await repo.close();
  }
}, 30_000);

test('batchInsert.transacting(trx): a bad row in the third chunk leaves none of the first two behind', async () => {
  const repo = createRepository({ connectionString: db.url, poolSize: 2 });
  try {
    const before = await count('order_items');
    const rows = itemRows(25_000);
    rows[24_000] = { ...rows[24_000]!, orderId: 999_999 };
    await expect(repo.insertOrderItems(rows, 'batch')).rejects.toBeInstanceOf(NotFoundError);
    expect(await count('order_items')).toBe(before);
  } finally {
    await repo.close();
  }
});
