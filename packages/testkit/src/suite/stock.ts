import {
  ADJUST_STRATEGIES,
  type AdjustStrategy,
  InsufficientStockError,
  NotFoundError,
  SAFE_ADJUST_STRATEGIES,
  type StockAdjustmentResult,
  ValidationError,
} from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';
import { startWireTap } from '../wire-tap';

const { widget, gadget, soldOut } = BASE.products;

const CONCURRENT_CALLS = 50;

/** The stock column written as a function of itself (`stock = stock + $1`, `"stock" = "products"."stock" + 1`). */
const SELF_REFERENCING_STOCK = /"?stock"?\s*=\s*\(?\s*("?\w+"?\.)*"?stock"?\s*[-+]/i;
/** The stock column set to one value: a bind parameter or a literal (`"stock" = $1`, `stock = ?`, `stock=11`). */
const STOCK_SET_TO_VALUE = /"?stock"?\s*=\s*(\$\d+|\?|:\w+|-?\d+)/i;

/** Every SQL text one call sent (Parse messages and simple Query messages, in order), through a wire tap. */
async function sentBy(
  h: Harness,
  call: (repo: Awaited<ReturnType<Harness['open']>>) => Promise<unknown>,
): Promise<string[]> {
  const tap = await startWireTap(h.url);
  const repo = await h.open(1, { connectionString: tap.url });
  try {
    await repo.getProduct(gadget.id); // the connection is open and any session setup is done
    tap.sql.length = 0;
    await call(repo);
    return [...tap.sql];
  } finally {
    await repo.close();
    await tap.close();
  }
}

/** Waits until a backend of this database (other than the suite's) waits for a lock; false after 10 s. */
async function someoneWaitsForALock(h: Harness): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await h.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
    );
    if (rows[0].n > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

/**
 * A forced conflict: the suite changes widget (+100 stock, version + 1) in a transaction it holds open
 * until the repository's call waits for the row lock, then commits. What the call returns tells what its
 * strategy does with a row that changed under it.
 */
async function againstConcurrentWriter(h: Harness, strategy: AdjustStrategy): Promise<StockAdjustmentResult> {
  const client = await h.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('UPDATE products SET stock = stock + 100, version = version + 1 WHERE id = $1', [
      widget.id,
    ]);
    const call = h.repo.adjustStock({ productId: widget.id, delta: 1 }, strategy);
    call.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    const waited = await someoneWaitsForALock(h);
    await client.query('COMMIT');
    expect(waited, `${strategy} never waited for the row lock the suite held`).toBe(true);
    return await call;
  } finally {
    client.release();
  }
}

export function stockTests(h: Harness) {
  h.group('adjustStock', () => {
    h.test('every strategy adds and takes stock and returns the new stock after one attempt', async () => {
      for (const strategy of ADJUST_STRATEGIES) {
        await h.load('base');
        expect(await h.repo.adjustStock({ productId: widget.id, delta: 5 }, strategy)).toEqual({
          stock: widget.stock + 5,
          attempts: 1,
        });
        expect(
          await h.repo.adjustStock({ productId: widget.id, delta: -(widget.stock + 5) }, strategy),
        ).toEqual({ stock: 0, attempts: 1 });
        const product = await h.oracle.product(widget.id);
        expect(product?.stock, strategy).toBe(0);
        // stock changes are not price edits: only the optimistic strategy's compare-and-set moves version
        expect(product?.version, strategy).toBe(strategy === 'optimistic' ? 3 : 1);
        expect(product?.priceCents).toBe(widget.priceCents);
      }
    });

    h.test(
      'bad input is ValidationError before any statement: unknown strategy, delta 0 or not a safe integer, bad id',
      async (t) => {
        const before = await h.oracle.snapshot();
        const bad: Array<[unknown, unknown]> = [
          [{ productId: widget.id, delta: 1 }, 'optimistc'],
          [{ productId: widget.id, delta: 1 }, undefined],
          [{ productId: widget.id, delta: 0 }, 'atomic'],
          [{ productId: widget.id, delta: 1.5 }, 'atomic'],
          [{ productId: widget.id, delta: Number.NaN }, 'atomic'],
          [{ productId: widget.id, delta: 2 ** 53 }, 'atomic'],
          [{ productId: widget.id, delta: '1' }, 'atomic'],
          [{ productId: 0, delta: 1 }, 'atomic'],
          [{ productId: widget.id }, 'atomic'],
        ];
        const counted = await h.count(t, async () => {
          for (const [input, strategy] of bad) {
            // biome-ignore lint/suspicious/noExplicitAny: the point is input the types forbid
            await expectDalError(h.repo.adjustStock(input as any, strategy as any), ValidationError);
          }
        });
        expect(counted.statements).toBe(0);
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    h.test(
      'every strategy: NotFoundError for a missing product, InsufficientStockError below zero, nothing changed',
      async () => {
        const before = await h.oracle.snapshot();
        for (const strategy of ADJUST_STRATEGIES) {
          await expectDalError(h.repo.adjustStock({ productId: 999_999, delta: 1 }, strategy), NotFoundError);
          const short = await expectDalError(
            h.repo.adjustStock({ productId: gadget.id, delta: -(gadget.stock + 1) }, strategy),
            InsufficientStockError,
          );
          expect(short.code).toBe('INSUFFICIENT_STOCK');
          await expectDalError(
            h.repo.adjustStock({ productId: soldOut.id, delta: -1 }, strategy),
            InsufficientStockError,
          );
        }
        expect(await h.oracle.snapshot()).toBe(before);
      },
    );

    for (const strategy of SAFE_ADJUST_STRATEGIES) {
      h.test(
        `${strategy}: ${CONCURRENT_CALLS} concurrent +1 calls on one product leave stock exactly +${CONCURRENT_CALLS}`,
        async () => {
          const results = await Promise.all(
            Array.from({ length: CONCURRENT_CALLS }, () =>
              h.repo.adjustStock({ productId: widget.id, delta: 1 }, strategy),
            ),
          );
          expect((await h.oracle.product(widget.id))?.stock).toBe(widget.stock + CONCURRENT_CALLS);
          // each call saw the stock right after its own +1: every value from +1 to +50 exactly once
          expect(results.map((r) => r.stock).sort((a, b) => a - b)).toEqual(
            Array.from({ length: CONCURRENT_CALLS }, (_, i) => widget.stock + 1 + i),
          );
          for (const r of results) expect(r.attempts).toBeGreaterThanOrEqual(1);
          if (strategy === 'atomic' || strategy === 'pessimistic') {
            expect(results.every((r) => r.attempts === 1)).toBe(true);
          }
        },
        60_000,
      );
    }

    h.test(
      `read-modify-write: ${CONCURRENT_CALLS} concurrent +1 calls all return and never corrupt the stock`,
      async () => {
        const results = await Promise.all(
          Array.from({ length: CONCURRENT_CALLS }, () =>
            h.repo.adjustStock({ productId: widget.id, delta: 1 }, 'read-modify-write'),
          ),
        );
        // updates may be lost (that is the lesson: a late write of an old read + 1 can even leave the stock
        // below what an earlier call returned), but every value written is some caller's read + 1
        const stock = (await h.oracle.product(widget.id))?.stock ?? -1;
        expect(stock).toBeGreaterThan(widget.stock);
        expect(stock).toBeLessThanOrEqual(widget.stock + CONCURRENT_CALLS);
        for (const r of results) {
          expect(r.attempts).toBe(1);
          expect(r.stock).toBeGreaterThan(widget.stock);
          expect(r.stock).toBeLessThanOrEqual(widget.stock + CONCURRENT_CALLS);
        }
      },
      60_000,
    );

    h.test(
      'a row changed under the call: read-modify-write loses that change, the safe strategies keep it, the retrying ones count a second attempt',
      async () => {
        const expected: Record<AdjustStrategy, StockAdjustmentResult> = {
          // read 10 before the concurrent +100 committed, wrote 11 after it: the +100 is lost
          'read-modify-write': { stock: widget.stock + 1, attempts: 1 },
          'repeatable-read': { stock: widget.stock + 101, attempts: 2 },
          serializable: { stock: widget.stock + 101, attempts: 2 },
          atomic: { stock: widget.stock + 101, attempts: 1 },
          pessimistic: { stock: widget.stock + 101, attempts: 1 },
          optimistic: { stock: widget.stock + 101, attempts: 2 },
        };
        for (const strategy of ADJUST_STRATEGIES) {
          await h.load('base');
          expect(await againstConcurrentWriter(h, strategy), strategy).toEqual(expected[strategy]);
          expect((await h.oracle.product(widget.id))?.stock, strategy).toBe(expected[strategy].stock);
        }
      },
      60_000,
    );

    h.test(
      'on the wire: read-modify-write is a SELECT, then an UPDATE that sets the stock to a value, at the default isolation',
      async () => {
        const sent = await sentBy(h, (repo) =>
          repo.adjustStock({ productId: widget.id, delta: 1 }, 'read-modify-write'),
        );
        const select = sent.findIndex((s) => /^\s*select\b[\s\S]*\bproducts\b/i.test(s));
        const update = sent.findIndex((s) => /^\s*update\s+("?\w+"?\.)?"?products"?/i.test(s));
        expect(select, sent.join('\n')).toBeGreaterThanOrEqual(0);
        expect(update, sent.join('\n')).toBeGreaterThan(select);
        const updateText = sent[update]!;
        expect(updateText).toMatch(STOCK_SET_TO_VALUE);
        expect(updateText).not.toMatch(SELF_REFERENCING_STOCK);
        expect(sent.some((s) => /for\s+(no\s+key\s+)?update/i.test(s))).toBe(false);
        expect(sent.some((s) => /isolation\s+level/i.test(s))).toBe(false);
      },
    );

    for (const [strategy, level] of [
      ['repeatable-read', 'repeatable read'],
      ['serializable', 'serializable'],
    ] as const) {
      h.test(
        `on the wire: ${strategy} opens its transaction at ISOLATION LEVEL ${level.toUpperCase()}`,
        async () => {
          const sent = await sentBy(h, (repo) =>
            repo.adjustStock({ productId: widget.id, delta: 1 }, strategy),
          );
          const isolation = new RegExp(`isolation\\s+level\\s+${level.replace(' ', '\\s+')}`, 'i');
          expect(
            sent.some((s) => isolation.test(s)),
            sent.join('\n'),
          ).toBe(true);
          expect(sent.some((s) => /^\s*update\s+("?\w+"?\.)?"?products"?/i.test(s))).toBe(true);
        },
      );
    }

    h.test('on the wire: atomic is one UPDATE that adds to the stock in the database', async (t) => {
      const sent = await sentBy(h, (repo) => repo.adjustStock({ productId: widget.id, delta: 1 }, 'atomic'));
      const updates = sent.filter((s) => /^\s*update\b/i.test(s));
      expect(updates, sent.join('\n')).toHaveLength(1);
      expect(updates[0]).toMatch(SELF_REFERENCING_STOCK);
      await h.repo.adjustStock({ productId: widget.id, delta: 1 }, 'atomic'); // warm-up
      const counted = await h.count(t, () =>
        h.repo.adjustStock({ productId: widget.id, delta: 1 }, 'atomic'),
      );
      expect(counted.statements).toBe(1);
    });

    h.test(
      'on the wire: pessimistic locks the row (SELECT ... FOR [NO KEY] UPDATE) before it updates',
      async () => {
        const sent = await sentBy(h, (repo) =>
          repo.adjustStock({ productId: widget.id, delta: 1 }, 'pessimistic'),
        );
        const lock = sent.findIndex((s) => /^\s*select\b[\s\S]*\bfor\s+(no\s+key\s+)?update\b/i.test(s));
        expect(lock, sent.join('\n')).toBeGreaterThanOrEqual(0);
        expect(sent.some((s) => /^\s*update\s+("?\w+"?\.)?"?products"?/i.test(s))).toBe(true);
      },
    );

    h.test('on the wire: optimistic updates only where the version is the one it read', async () => {
      const sent = await sentBy(h, (repo) =>
        repo.adjustStock({ productId: widget.id, delta: 1 }, 'optimistic'),
      );
      const update = sent.find((s) => /^\s*update\b/i.test(s));
      expect(update, sent.join('\n')).toMatch(/\bwhere\b[\s\S]*"?version"?\s*=/i);
    });
  });
}
