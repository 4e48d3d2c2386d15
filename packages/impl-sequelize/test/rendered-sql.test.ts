import { encodeCursor, type ShopRepository } from '@dal/core';
import { useSchemaDatabase } from '@dal/testkit';
import type { Options, Sequelize } from 'sequelize';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { translatingErrors } from '../src/errors';
import { SequelizeShopRepository } from '../src/repository';
import { createSequelize } from '../src/sequelize';

// The SQL Sequelize renders for the statements whose shape the contract depends on, recorded through its
// `logging` hook (off in the implementation).

const db = useSchemaDatabase('sequelize_sql');
let sequelize: Sequelize;
let repo: ShopRepository;
const sent: string[] = [];

beforeAll(() => {
  const created = createSequelize({ connectionString: db.url, poolSize: 2 });
  sequelize = created.sequelize;
  (sequelize as unknown as { options: Options }).options.logging = (sql: string) =>
    sent.push(sql.replace(/^Executing \([^)]*\): /, ''));
  repo = translatingErrors(new SequelizeShopRepository(sequelize, created.models));
});

beforeEach(() => {
  sent.length = 0;
});

afterAll(async () => {
  await sequelize.close();
});

const statements = () => sent.filter((s) => !/^(START TRANSACTION|COMMIT|ROLLBACK)/.test(s));

test('joined: one SELECT, the LIMIT on a subquery of orders, the relations joined outside it', async () => {
  await repo.recentOrdersWithDetails({ limit: 5, customerId: 3 }, 'joined');
  expect(statements()).toHaveLength(1);
  const [sql] = statements();
  expect(sql).toMatch(
    /FROM \(SELECT .* FROM "orders" AS "Order" WHERE "Order"\."customer_id" = 3 ORDER BY .* LIMIT 5\) AS "Order"/,
  );
  expect(sql).toMatch(
    /\) AS "Order" LEFT OUTER JOIN "customers" AS "customer" .* LEFT OUTER JOIN "order_items" AS "items" .* LEFT OUTER JOIN "products" AS "items->product"/,
  );
  expect(sql).toMatch(/ORDER BY "createdAt" DESC, "Order"\."id" DESC, "items"\."id" ASC;$/);
});

test('keyset: a ROW() comparison with the cursor text cast in SQL, microseconds kept', async () => {
  const after = encodeCursor({ createdAt: '2024-03-01T10:00:00.000500Z', id: 7 });
  await repo.listOrdersKeyset({ after, pageSize: 20 });
  const [sql] = statements();
  expect(sql).toContain(
    `ROW("created_at", "id") < ROW(CAST('2024-03-01T10:00:00.000500Z' AS TIMESTAMPTZ), 7)`,
  );
  expect(sql).toContain(
    `to_char(timezone('UTC', "created_at"), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"`,
  );
  expect(sql).toMatch(/ORDER BY "createdAt" DESC, "Order"\."id" DESC LIMIT 21;$/);
});

test('writes: upsert bumps the version, locks are FOR NO KEY UPDATE, timestamps are now(), no needless RETURNING', async () => {
  const customer = await repo.createCustomer({ email: 'sql@example.com', name: 'Sql' });
  await repo.upsertProducts([{ sku: 'S-1', name: 'One', priceCents: 5, stock: 10 }]);
  expect(statements().at(-1)).toMatch(
    /^INSERT INTO products \(sku, name, price_cents, stock\) VALUES \(\$1, \$2, \$3, \$4\)\s+ON CONFLICT \(sku\) DO UPDATE SET .*version = products\.version \+ 1, updated_at = now\(\)$/s,
  );
  sent.length = 0;
  const order = await repo.createOrder({ customerId: customer.id, items: [{ productId: 1, quantity: 2 }] });
  expect(statements()).toEqual([
    expect.stringMatching(
      /^SELECT "id", "email", "name" FROM "customers" .* AND "Customer"\."deleted_at" IS NULL;$/,
    ),
    expect.stringMatching(
      /FROM "products" AS "Product" WHERE "Product"\."id" IN \(1\) ORDER BY "Product"\."id" ASC FOR NO KEY UPDATE;$/,
    ),
    'UPDATE "products" SET "stock"="stock"- 2 WHERE "id" = 1',
    expect.stringMatching(/^INSERT INTO "orders" .* VALUES \(DEFAULT,\$1,\$2,\$3,now\(\)\) RETURNING /),
    expect.stringMatching(/^INSERT INTO "order_items" .* RETURNING /),
  ]);
  sent.length = 0;
  const rows = [1, 2].map((quantity) => ({ orderId: order.id, productId: 1, quantity, unitPriceCents: 1 }));
  await repo.insertOrderItems(rows, 'loop');
  await repo.insertOrderItems(rows, 'batch');
  expect(statements()).toHaveLength(3);
  for (const sql of statements()) expect(sql).not.toMatch(/RETURNING/);
  sent.length = 0;
  // no accounts here: the claim's foreign-key check fails, translated to NotFoundError
  await expect(
    repo.transfer({ fromAccountId: 1, toAccountId: 2, amountCents: 1, idempotencyKey: 'k' }),
  ).rejects.toMatchObject({ code: 'NOT_FOUND', entity: 'account' });
  expect(statements()[0]).toMatch(/^INSERT INTO "transfers" .* ON CONFLICT DO NOTHING RETURNING /);
});
