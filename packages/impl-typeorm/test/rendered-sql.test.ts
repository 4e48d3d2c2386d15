import { BASE, loadFixture, useSchemaDatabase } from '@dal/testkit';
import pg from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createDataSource } from '../src/data-source';
import { TypeOrmShopRepository } from '../src/repository';

// The SQL TypeORM renders for the statements whose exact shape the contract depends on.

const db = useSchemaDatabase('typeorm_rendered_sql');
const sent: string[] = [];
const recorder: Logger = {
  logQuery: (query) => void sent.push(query),
  logQueryError: () => {},
  logQuerySlow: () => {},
  logSchemaBuild: () => {},
  logMigration: () => {},
  log: () => {},
};
let pool: pg.Pool;
let repo: TypeOrmShopRepository;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  const dataSource = new DataSource({
    ...createDataSource({ connectionString: db.url, poolSize: 2 }).options,
    logger: recorder,
  });
  await dataSource.initialize();
  repo = new TypeOrmShopRepository(dataSource);
});

beforeEach(async () => {
  await loadFixture(pool, db.url, 'base');
  sent.length = 0;
});

afterAll(async () => {
  await repo.close();
  await pool.end();
});

const { widget, gadget } = BASE.products;

test('upsert: one INSERT ... ON CONFLICT (sku) DO UPDATE that bumps version and updated_at', async () => {
  await repo.upsertProducts([
    { sku: widget.sku, name: 'Widget 2', priceCents: 1, stock: 2 },
    { sku: 'SKU-NEW', name: 'New', priceCents: 3, stock: 4 },
  ]);
  const statements = sent.filter((s) => !/^(START TRANSACTION|COMMIT)$/.test(s));
  expect(statements).toHaveLength(1);
  // one written statement with bind parameters (the escape hatch), nothing appended to generated SQL
  expect(statements[0]).toMatch(
    /^INSERT INTO products \(sku, name, price_cents, stock\) VALUES \(\$1, \$2, \$3, \$4\), \(\$5,/,
  );
  expect(statements[0]).toMatch(/version = products\.version \+ 1, updated_at = now\(\)$/);
  const { rows } = await pool.query('SELECT sku, version FROM products WHERE sku = ANY($1) ORDER BY sku', [
    [widget.sku, 'SKU-NEW'],
  ]);
  expect(rows).toEqual([
    { sku: widget.sku, version: 2 },
    { sku: 'SKU-NEW', version: 1 },
  ]);
});

test('updateProductPrice: the version check is in the UPDATE, not in a read before it', async () => {
  await repo.updateProductPrice({ id: gadget.id, priceCents: 5, expectedVersion: 1 });
  expect(sent).toEqual([
    expect.stringMatching(
      /^UPDATE "products" SET .* WHERE \("id" = \$\d AND "version" = \$\d\) RETURNING \*$/,
    ),
  ]);
});

test('createOrder and transfer lock rows FOR NO KEY UPDATE, never FOR UPDATE', async () => {
  await repo.createOrder({
    customerId: BASE.customers.alice.id,
    items: [{ productId: gadget.id, quantity: 1 }],
  });
  await repo.transfer({
    fromAccountId: BASE.accounts.alice.id,
    toAccountId: BASE.accounts.bob.id,
    amountCents: 1,
    idempotencyKey: 'rendered-sql',
  });
  const locks = sent.filter((s) => /\bFOR (NO KEY )?UPDATE\b/.test(s));
  expect(locks).toHaveLength(2);
  for (const s of locks) expect(s).toMatch(/ ORDER BY \S+ ASC FOR NO KEY UPDATE$/);
});

test('copy writes through the pg client of the transaction QueryRunner, between its START TRANSACTION and COMMIT', async () => {
  await repo.insertOrderItems([{ orderId: 1, productId: gadget.id, quantity: 1, unitPriceCents: 1 }], 'copy');
  expect(sent[0]).toBe('START TRANSACTION');
  expect(sent.at(-1)).toBe('COMMIT');
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM order_items WHERE unit_price_cents = 1');
  expect(rows[0].n).toBe(1);
});
