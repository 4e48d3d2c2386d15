import { StatementCounter, seedDataset } from '@dal/db';
import { BASE, ENVIRONMENT_GAPS, loadFixture, startWireTap, useSchemaDatabase } from '@dal/testkit';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, expect, inject, test } from 'vitest';
import { Order } from '../src/entities';
import { NEWEST_FIRST } from '../src/loading';
import { initOrm } from '../src/orm';
import { MikroOrmShopRepository } from '../src/repository';
import { toOrderDetails } from '../src/rows';

// What the unit of work and MikroORM's SQL generation do to the statements, shown on the SQL it sends
// (logged with its values, as they go on the wire) and as the database counts them.

const db = useSchemaDatabase('mikroorm_unit_of_work');
const sent: string[] = [];
let pool: pg.Pool;
let orm: MikroORM;
let repo: MikroOrmShopRepository;
let counter: StatementCounter | null;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
  orm = await initOrm(
    { connectionString: db.url, poolSize: 2 },
    { debug: ['query', 'query-params'], colors: false, logger: (message) => void sent.push(message) },
  );
  repo = new MikroOrmShopRepository(orm);
  counter = await StatementCounter.open(inject('dalAdminUrl'), db.database);
});

beforeEach(async () => {
  await loadFixture(pool, db.url, 'base');
  sent.length = 0;
});

afterAll(async () => {
  await counter?.close();
  await repo.close();
  await pool.end();
});

/** The statements logged by `fn`, without the logger's prefix and timing suffix. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  sent.length = 0;
  await fn();
  return sent.map((s) => s.replace(/^\[query\] /, '').replace(/ \[took .*$/, ''));
}

test('naive: the identity map answers a customer or product already loaded, so fewer than 1 + 2 x orders + items statements', async (t) => {
  if (!counter) t.skip(ENVIRONMENT_GAPS.statementCounts);
  await seedDataset(db.url, { scale: 'test' });
  await repo.recentOrdersWithDetails({ limit: 20 }, 'naive'); // warm-up: both pool connections open
  const counted = await counter!.measure(() => repo.recentOrdersWithDetails({ limit: 20 }, 'naive'));
  const orders = counted.result;
  const items = orders.flatMap((o) => o.items);
  const customers = new Set(orders.map((o) => o.customerId)).size;
  const products = new Set(items.map((i) => i.productId)).size;
  // one query for the orders, one items.load() per order, one load() per distinct customer and product
  expect(counted.statements).toBe(1 + orders.length + customers + products);
  // what a library without an identity map sends for the same N+1 code
  expect(counted.statements).toBeLessThan(1 + 2 * orders.length + items.length);
  // ... and each call starts from an empty identity map: the second call sent as many as the first
  expect(
    (await counter!.measure(() => repo.recentOrdersWithDetails({ limit: 20 }, 'naive'))).statements,
  ).toBe(counted.statements);
});

test('populate joined with a limit pages a to-many join through GROUP BY and min(); joined pages by a subquery of ids', async () => {
  await seedDataset(db.url, { scale: 'test' });
  const em = orm.em.fork();
  let theirs: Order[] = [];
  const find = await statementsOf(async () => {
    theirs = await em.find(
      Order,
      {},
      {
        populate: ['customer', 'items.product'],
        strategy: 'joined',
        orderBy: { ...NEWEST_FIRST, items: { id: 'asc' } },
        limit: 20,
      },
    );
  });
  expect(find).toHaveLength(1);
  expect(find[0]).toMatch(/group by "o0"\."id" order by min\("o0"\."created_at"\) desc/);

  const ours = await statementsOf(() => repo.recentOrdersWithDetails({ limit: 20 }, 'joined'));
  expect(ours).toHaveLength(1);
  expect(ours[0]).toMatch(
    /where "o0"\."id" in \(select "page"\."id" from "orders" as "page" order by "page"\."created_at" desc, "page"\."id" desc limit 20\)/,
  );
  expect(ours[0]).not.toMatch(/group by/);
  expect(await repo.recentOrdersWithDetails({ limit: 20 }, 'joined')).toEqual(theirs.map(toOrderDetails));
});

test('em.findByCursor pages with an OR of comparisons on a millisecond Date, not a row value', async () => {
  await seedDataset(db.url, { scale: 'test' });
  const em = orm.em.fork();
  const first = await em.findByCursor(Order, {}, { first: 5, orderBy: NEWEST_FIRST, includeCount: false });
  const next = await statementsOf(() =>
    em.fork().findByCursor(Order, {}, { first: 5, after: first, orderBy: NEWEST_FIRST, includeCount: false }),
  );
  expect(next).toHaveLength(1);
  // the cursor holds a Date: three decimals, while created_at has six
  expect(next[0]).toMatch(/"o0"\."created_at" <= '\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z'/);
  expect(next[0]).toMatch(/ or /);
  const ours = await statementsOf(async () => {
    const page = await repo.listOrdersKeyset({ pageSize: 5 });
    await repo.listOrdersKeyset({ after: page.nextCursor, pageSize: 5 });
  });
  expect(ours[1]).toMatch(
    /\(o\.created_at, o\.id\) < \('\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z'::timestamptz, \d+\)/,
  );
});

test('values are inlined into the SQL text: no bind parameters, no Parse message on the wire', async () => {
  const tap = await startWireTap(db.url);
  const tapped = await initOrm({ connectionString: tap.url, poolSize: 1 });
  try {
    const other = new MikroOrmShopRepository(tapped);
    expect((await other.getProduct(BASE.products.widget.id)).sku).toBe(BASE.products.widget.sku);
    expect(tap.parses).toEqual([]);
  } finally {
    await tapped.close(true);
    await tap.close();
  }
  const statements = await statementsOf(() => repo.getProduct(BASE.products.widget.id));
  expect(statements).toEqual([
    `select "p0".* from "products" as "p0" where "p0"."id" = ${BASE.products.widget.id} limit 1`,
  ]);
});

test('createOrder: locks, then one flush writes the items in one INSERT and every stock in one UPDATE', async () => {
  const { widget, gadget } = BASE.products;
  const statements = await statementsOf(() =>
    repo.createOrder({
      customerId: BASE.customers.alice.id,
      items: [
        { productId: gadget.id, quantity: 1 },
        { productId: widget.id, quantity: 2 },
      ],
    }),
  );
  expect(statements.map((s) => s.replace(/^(\w+( into)? "?\w+"?).*?( for update)?$/s, '$1$3'))).toEqual([
    'begin',
    'select "c0"',
    'select "p0" for update',
    'insert into "orders"',
    'insert into "order_items"',
    'update "products"',
    'commit',
  ]);
  // created_at left to the column default, read back by RETURNING
  expect(statements[3]).toMatch(
    /^insert into "orders" \("customer_id", "status", "total_cents"\) values .* returning "id", "created_at"$/,
  );
  expect(statements[4]).toMatch(/values \(\d+, \d+, 1, \d+\), \(\d+, \d+, 2, \d+\) returning "id"$/);
  expect(statements[5]).toMatch(/set "stock" = case when/);
  expect(statements[5]).not.toMatch(/version/);
});

test('createCustomer: the flush of one INSERT still runs in an implicit transaction (BEGIN, INSERT ... RETURNING, COMMIT)', async () => {
  const statements = await statementsOf(() => repo.createCustomer({ email: 'uow@example.com', name: 'Uow' }));
  expect(statements).toEqual([
    'begin',
    expect.stringMatching(
      /^insert into "customers" \("email", "name"\) values \('uow@example\.com', 'Uow'\) returning "id", "created_at"$/,
    ),
    'commit',
  ]);
});

test('updateProductPrice is one UPDATE ... WHERE id AND version RETURNING; transfer locks before it claims the key', async () => {
  const cas = await statementsOf(() =>
    repo.updateProductPrice({ id: BASE.products.gadget.id, priceCents: 5, expectedVersion: 1 }),
  );
  expect(cas).toEqual([
    expect.stringMatching(
      /^update "products" set "price_cents" = 5, "version" = version \+ 1, "updated_at" = now\(\) where "id" = \d+ and "version" = 1 returning /,
    ),
  ]);
  const transfer = await statementsOf(() =>
    repo.transfer({
      fromAccountId: BASE.accounts.alice.id,
      toAccountId: BASE.accounts.bob.id,
      amountCents: 1,
      idempotencyKey: 'uow',
    }),
  );
  expect(transfer[1]).toMatch(/^select "a0"\.\* from "accounts" .* order by "a0"\."id" asc for update$/);
  expect(transfer[2]).toMatch(
    /^insert into "transfers" .* on conflict \("idempotency_key"\) do nothing returning/,
  );
  // Account's version property: the flush bumps it and checks the loaded one
  expect(transfer.slice(3, -1).join('\n')).toMatch(/"version" = "version" \+ 1/);
});
