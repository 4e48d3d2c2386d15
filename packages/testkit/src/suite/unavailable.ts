import { UnavailableError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const product = BASE.products.bulk;
const order = { customerId: BASE.customers.alice.id, items: [{ productId: product.id, quantity: 1 }] };

/**
 * Holds a row lock on `product` from the suite's own connection, so that a createOrder of the repository
 * under test waits in the database, holding its connection; resolves with that waiting backend's pid.
 */
async function blockedCreateOrder(h: Harness, repo: { createOrder: typeof h.repo.createOrder }) {
  const locker = await h.pool.connect();
  await locker.query('BEGIN');
  await locker.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [product.id]);
  const call = repo.createOrder(order).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  let pid: number | undefined;
  for (let i = 0; i < 200 && pid === undefined; i++) {
    const { rows } = await h.pool.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    pid = rows[0]?.pid;
    if (pid === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  if (pid === undefined) throw new Error('createOrder never waited for the product lock');
  const release = async () => {
    await locker.query('ROLLBACK');
    locker.release();
  };
  return { call, pid, release };
}

// Nothing library-specific escapes when the database goes away or the pool runs dry: UnavailableError
// (code UNAVAILABLE, retryable), and the repository works again once the database does.
export function unavailableTests(h: Harness) {
  h.group('unavailable', () => {
    h.test(
      'a connection terminated mid-call (pg_terminate_backend) is UnavailableError, and the next call works',
      async () => {
        const repo = await h.open(1);
        const blocked = await blockedCreateOrder(h, repo);
        await h.pool.query('SELECT pg_terminate_backend($1)', [blocked.pid]);
        const outcome = await blocked.call;
        await blocked.release();
        expect(outcome).toHaveProperty('error');
        const error = (outcome as { error: unknown }).error;
        expect(error, String(error)).toBeInstanceOf(UnavailableError);
        expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
        expect(await h.oracle.product(product.id)).toMatchObject({ stock: product.stock });
        expect((await repo.getProduct(product.id)).stock).toBe(product.stock);
      },
      30_000,
    );

    h.test(
      'no free connection within acquireTimeoutMs is UnavailableError, not a wait for ever',
      async () => {
        const repo = await h.open(1, { acquireTimeoutMs: 300 });
        const blocked = await blockedCreateOrder(h, repo);
        const started = performance.now();
        try {
          const error = await expectDalError(repo.getProduct(product.id), UnavailableError);
          expect(error.retryable).toBe(true);
          expect(performance.now() - started).toBeLessThan(10_000);
        } finally {
          await blocked.release();
        }
        // the waiting call holds the one connection and completes once the lock is gone
        expect(await blocked.call).toHaveProperty('value');
        expect((await repo.getProduct(product.id)).stock).toBe(product.stock - 1);
      },
      30_000,
    );

    h.test(
      'a statement stuck behind a row lock fails after statementTimeoutMs with UnavailableError, not a hang',
      async () => {
        const repo = await h.open(2, { statementTimeoutMs: 300 });
        const locker = await h.pool.connect();
        try {
          await locker.query('BEGIN');
          await locker.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [product.id]);
          const started = performance.now();
          const error = await expectDalError(
            repo.updateProductPrice({ id: product.id, priceCents: 1, expectedVersion: 1 }),
            UnavailableError,
          );
          expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true });
          // 300 ms in the server; the rest is connecting and the client's round trips
          expect(performance.now() - started).toBeLessThan(5_000);
        } finally {
          await locker.query('ROLLBACK');
          locker.release();
        }
        expect(await h.oracle.product(product.id)).toMatchObject({
          priceCents: product.priceCents,
          version: 1,
        });
        // the connection is usable again at once, and a statement that waits for nobody is not cut short
        expect((await repo.getProduct(product.id)).priceCents).toBe(product.priceCents);
        const { rows } = await h.pool.query('SELECT 1');
        expect(rows).toHaveLength(1);
      },
      30_000,
    );

    h.test('an unreachable server is UnavailableError', async () => {
      // port 1 on loopback: connection refused at once
      const attempt = (async () => {
        const repo = await h.open(1, {
          connectionString: 'postgres://dal:secret@127.0.0.1:1/dal',
          acquireTimeoutMs: 2_000,
        });
        return repo.getProduct(product.id);
      })();
      await expectDalError(attempt, UnavailableError);
    });
  });
}
