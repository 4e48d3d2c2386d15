import { StatementCounter, seedDataset } from '@dal/db';
import { ENVIRONMENT_GAPS, useSchemaDatabase } from '@dal/testkit';
import { DataSource, type Logger } from 'typeorm';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { createDataSource } from '../src/data-source';
import { Order } from '../src/entities';
import { loadOrderDetails } from '../src/loading';
import { toOrderDetails } from '../src/rows';

// Why `joined` is a QueryBuilder over a LIMITed subquery rather than TypeORM's own eager loading.

const db = useSchemaDatabase('typeorm_find_relations');
const sent: string[] = [];
const recorder: Logger = {
  logQuery: (query) => void sent.push(query),
  logQueryError: () => {},
  logQuerySlow: () => {},
  logSchemaBuild: () => {},
  logMigration: () => {},
  log: () => {},
};
let dataSource: DataSource;
let counter: StatementCounter | null;

beforeAll(async () => {
  await seedDataset(db.url, { scale: 'test' });
  // TypeORM hands every statement to the logger, whatever `logging` says
  dataSource = new DataSource({
    ...createDataSource({ connectionString: db.url, poolSize: 2 }).options,
    logger: recorder,
  });
  await dataSource.initialize();
  counter = await StatementCounter.open(inject('dalAdminUrl'), db.database);
});

afterAll(async () => {
  await counter?.close();
  await dataSource.destroy();
});

const LIMIT = 20;

/** TypeORM's idiom for "the newest orders with their relations". */
const findWithRelations = () =>
  dataSource.manager.find(Order, {
    relations: { customer: true, items: { product: true } },
    order: { createdAt: 'DESC', id: 'DESC' },
    take: LIMIT,
    withDeleted: true,
  });

/** find() gives no order to the items unless asked (and asking changes the page: see the last test). */
const details = (orders: Order[]) =>
  orders.map((o) => toOrderDetails({ ...o, items: o.items.sort((a, b) => a.id - b.id) }));

const joined = () => loadOrderDetails(dataSource.manager, { limit: LIMIT }, 'joined');

async function statementsSent<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  sent.length = 0;
  const result = await fn();
  return { result, statements: [...sent] };
}

test('find with relations and take sends a SELECT DISTINCT of the page ids first; joined sends one statement', async () => {
  const find = await statementsSent(findWithRelations);
  expect(find.statements).toHaveLength(2);
  expect(find.statements[0]).toMatch(/^SELECT DISTINCT "distinctAlias"\."Order_id"/);
  expect(find.statements[1]).toMatch(/"Order"\."id" IN \(/);

  const ours = await statementsSent(joined);
  expect(ours.statements).toHaveLength(1);
  expect(ours.statements[0]).not.toMatch(/DISTINCT/);
  expect(ours.result).toHaveLength(LIMIT);
  expect(ours.result).toEqual(details(find.result));
});

test('as the database counts them: find with relations and take = 2 statements, joined = 1', async (t) => {
  if (!counter) t.skip(ENVIRONMENT_GAPS.statementCounts);
  await findWithRelations(); // warm-up: both pool connections open
  await joined();
  const find = await counter!.measure(findWithRelations);
  const ours = await counter!.measure(joined);
  expect(find.statements).toBe(2);
  expect(find.queries.some((q) => /^SELECT DISTINCT/.test(q.query))).toBe(true);
  expect(ours.statements).toBe(1);
  expect(ours.result).toEqual(details(find.result));
});

test('ordering find by a relation column with take pages (order, item) pairs, not orders', async () => {
  const orders = await dataSource.manager.find(Order, {
    relations: { customer: true, items: { product: true } },
    order: { createdAt: 'DESC', id: 'DESC', items: { id: 'ASC' } },
    take: LIMIT,
    withDeleted: true,
  });
  // the item id joins the SELECT DISTINCT of the page, so LIMIT counts items and fewer orders come back
  expect(orders.length).toBeLessThan(LIMIT);
  expect(await joined()).toHaveLength(LIMIT);
});

test('a limit on the joined rows would cut orders short: the page is limited before the joins', async () => {
  // what `.limit()` on the joined query would return: LIMIT counts order x item rows, not orders
  const cut = await dataSource.manager
    .createQueryBuilder(Order, 'o')
    .withDeleted()
    .innerJoinAndSelect('o.customer', 'c')
    .leftJoinAndSelect('o.items', 'i')
    .leftJoinAndSelect('i.product', 'p')
    .orderBy('o.createdAt', 'DESC')
    .addOrderBy('o.id', 'DESC')
    .addOrderBy('i.id', 'ASC')
    .limit(LIMIT)
    .getMany();
  expect(cut.length).toBeLessThan(LIMIT);
  expect(await joined()).toHaveLength(LIMIT);
});
