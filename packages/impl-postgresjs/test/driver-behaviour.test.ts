import { NotFoundError, UnavailableError, ValidationError } from '@dal/core';
import { expectDalError, useSchemaDatabase } from '@dal/testkit';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createRepository } from '../src/index';

// What postgres.js does differently from node-postgres, proved on a pool of one connection: a leaked or
// stuck connection shows at once there.

const db = useSchemaDatabase('postgresjs_driver');
let admin: postgres.Sql;

beforeAll(async () => {
  admin = postgres(db.url, { max: 2, onnotice: () => {} });
  await admin`INSERT INTO customers (id, email, name) OVERRIDING SYSTEM VALUE
    VALUES (1, 'a@example.com', 'A'), (2, 'b@example.com', 'B')`;
  await admin`INSERT INTO accounts (id, customer_id, balance_cents) OVERRIDING SYSTEM VALUE
    VALUES (1, 1, 1000), (2, 2, 1000)`;
  await admin`INSERT INTO products (id, sku, name, price_cents, stock) OVERRIDING SYSTEM VALUE
    VALUES (1, 'SKU-1', 'One', 100, 100)`;
  await admin`INSERT INTO orders (id, customer_id, status, total_cents, created_at) OVERRIDING SYSTEM VALUE
    VALUES (1, 1, 'pending', 100, now())`;
});

afterAll(async () => {
  await admin.end();
});

const transfer = (key: string) => ({ fromAccountId: 1, toAccountId: 2, amountCents: 1, idempotencyKey: key });

test('a COPY the server rejects at its end fails with the contract error and frees the connection', async () => {
  const repo = createRepository({ connectionString: db.url, poolSize: 1 });
  try {
    const rows = [
      { orderId: 1, productId: 1, quantity: 1, unitPriceCents: 1 },
      { orderId: 999, productId: 1, quantity: 1, unitPriceCents: 1 },
    ];
    await expectDalError(repo.insertOrderItems(rows, 'copy'), NotFoundError);
    // the one connection is usable again (postgres.js alone would leave it idle in an aborted transaction)
    expect(await repo.insertOrderItems(rows.slice(0, 1), 'copy')).toBe(1);
    const [row] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM order_items`;
    expect(row?.n).toBe(1);
  } finally {
    await repo.close();
  }
});

test('acquireTimeoutMs: a transaction that gets no connection fails with UnavailableError and runs nothing', async () => {
  const repo = createRepository({ connectionString: db.url, poolSize: 1, acquireTimeoutMs: 300 });
  const locker = await admin.reserve();
  try {
    await locker`BEGIN`;
    await locker`SELECT 1 FROM accounts WHERE id = 1 FOR UPDATE`;
    // the first transfer holds the only connection, waiting for the row lock
    const first = repo.transfer(transfer('held'));
    first.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await expectDalError(repo.transfer(transfer('starved')), UnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
    await locker`COMMIT`;
    expect((await first).idempotencyKey).toBe('held');
    await new Promise((r) => setTimeout(r, 100));
    const keys = await admin`SELECT idempotency_key FROM transfers ORDER BY id`;
    expect(keys.map((k) => k.idempotency_key)).toEqual(['held']);
    expect((await repo.getAccount(1)).balanceCents).toBe(999);
  } finally {
    locker.release();
    await repo.close();
  }
});

test('close() ends after the server killed a connection under a statement', async () => {
  const repo = createRepository({ connectionString: db.url, poolSize: 1 });
  const locker = await admin.reserve();
  try {
    await locker`BEGIN`;
    await locker`LOCK TABLE orders IN ACCESS EXCLUSIVE MODE`;
    const blocked = repo.countOrders();
    blocked.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    await new Promise((r) => setTimeout(r, 200));
    await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'postgres.js' AND wait_event_type = 'Lock'`;
    await expectDalError(blocked, UnavailableError);
    await locker`ROLLBACK`;
    const started = Date.now();
    await repo.close();
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    locker.release();
  }
}, 20_000);

test('int8 arrives as a number, and a value beyond 2^53 is refused rather than rounded', async () => {
  const repo = createRepository({ connectionString: db.url, poolSize: 1 });
  try {
    expect(await repo.getAccount(2)).toEqual(expect.objectContaining({ balanceCents: expect.any(Number) }));
    await admin`UPDATE accounts SET balance_cents = 9007199254740993 WHERE id = 2`;
    const refused = await expectDalError(repo.getAccount(2), ValidationError);
    expect(refused.message).toMatch(/9007199254740993/);
    await admin`UPDATE accounts SET balance_cents = 1000 WHERE id = 2`;
    expect((await repo.getAccount(2)).balanceCents).toBe(1000); // the connection survived the refusal
  } finally {
    await repo.close();
  }
});
