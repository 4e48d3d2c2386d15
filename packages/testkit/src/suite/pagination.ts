import { InvalidCursorError, type Order, ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import type { Harness } from '../harness';

async function keysetAll(
  h: Harness,
  pageSize: number,
  filter: { customerId?: number; status?: Order['status'] } = {},
) {
  const seen: Order[] = [];
  const pageLengths: number[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await h.repo.listOrdersKeyset({ after, pageSize, ...filter });
    seen.push(...page.items);
    pageLengths.push(page.items.length);
    if (page.nextCursor === null) return { seen, pageLengths };
    after = page.nextCursor;
  }
  throw new Error('keyset traversal did not end');
}

function tamper(cursor: string): string {
  const [v, payload, mac] = cursor.split('.') as [string, string, string];
  const bytes = Buffer.from(payload, 'base64url');
  const text = bytes.toString('utf8').replace(/"(\d{4})-/, (_m, y) => `"${Number(y) + 1}-`);
  return [v, Buffer.from(text).toString('base64url'), mac].join('.');
}

export function paginationTests(h: Harness) {
  h.group('pagination', () => {
    h.test('listOrdersOffset pages in created_at desc, id desc order', async () => {
      await h.load('dataset');
      const all = await h.oracle.orders();
      const page1 = await h.repo.listOrdersOffset({ page: 1, pageSize: 20 });
      expect(page1).toEqual({ items: all.slice(0, 20), page: 1, pageSize: 20 });
      const page3 = await h.repo.listOrdersOffset({ page: 3, pageSize: 20 });
      expect(page3.items).toEqual(all.slice(40, 60));
      const beyond = await h.repo.listOrdersOffset({ page: 1000, pageSize: 20 });
      expect(beyond).toEqual({ items: [], page: 1000, pageSize: 20 });
    });

    h.test('listOrdersOffset filters by customer and status', async () => {
      await h.load('dataset');
      const expected = await h.oracle.orders({ customerId: 3, status: 'shipped' });
      expect(expected.length).toBeGreaterThan(0);
      const page = await h.repo.listOrdersOffset({
        page: 1,
        pageSize: 100,
        customerId: 3,
        status: 'shipped',
      });
      expect(page.items).toEqual(expected.slice(0, 100));
      const byStatus = await h.repo.listOrdersOffset({ page: 2, pageSize: 10, status: 'cancelled' });
      expect(byStatus.items).toEqual((await h.oracle.orders({ status: 'cancelled' })).slice(10, 20));
    });

    h.test('page and pageSize are validated (page >= 1, pageSize 1..100)', async () => {
      await expectDalError(h.repo.listOrdersOffset({ page: 0, pageSize: 10 }), ValidationError);
      await expectDalError(h.repo.listOrdersOffset({ page: 1, pageSize: 0 }), ValidationError);
      await expectDalError(h.repo.listOrdersOffset({ page: 1, pageSize: 101 }), ValidationError);
      await expectDalError(h.repo.listOrdersKeyset({ pageSize: 101 }), ValidationError);
      await expectDalError(
        h.repo.listOrdersOffset({ page: 1, pageSize: 10, status: 'lost' as Order['status'] }),
        ValidationError,
      );
    });

    h.test(
      'keyset traversal of a whole table with ties equals the offset order: nothing lost or repeated',
      async () => {
        await h.load('dataset');
        const all = await h.oracle.orders();
        const ties = all.length - new Set(all.map((o) => o.createdAt.getTime())).size;
        expect(ties).toBeGreaterThan(10); // the dataset really has ties at millisecond precision
        for (const pageSize of [7, 20]) {
          const { seen } = await keysetAll(h, pageSize);
          expect(seen).toEqual(all);
          const offset: Order[] = [];
          for (let page = 1; ; page++) {
            const { items } = await h.repo.listOrdersOffset({ page, pageSize });
            if (items.length === 0) break;
            offset.push(...items);
          }
          expect(seen).toEqual(offset);
        }
      },
    );

    h.test(
      'keyset is exact to the microsecond: rows in the same millisecond are neither skipped nor repeated',
      async () => {
        // base orders 4k+1 and 4k+2 tie exactly, 4k+3 and 4k+4 differ from them in microseconds only
        const all = await h.oracle.orders();
        const { seen } = await keysetAll(h, 1);
        expect(seen.map((o) => o.id)).toEqual(all.map((o) => o.id));
        const { seen: byThree } = await keysetAll(h, 3);
        expect(byThree.map((o) => o.id)).toEqual(all.map((o) => o.id));
      },
    );

    h.test('nextCursor is null on the last page, with no extra empty page', async () => {
      const { pageLengths } = await keysetAll(h, 6); // 24 base orders: exactly four full pages
      expect(pageLengths).toEqual([6, 6, 6, 6]);
      const { pageLengths: uneven } = await keysetAll(h, 10);
      expect(uneven).toEqual([10, 10, 4]);
      await h.load('empty');
      expect(await h.repo.listOrdersKeyset({ pageSize: 10 })).toEqual({ items: [], nextCursor: null });
    });

    h.test('keyset traversal with filters equals the filtered order', async () => {
      await h.load('dataset');
      for (const filter of [
        { customerId: 5 },
        { status: 'paid' as const },
        { customerId: 11, status: 'shipped' as const },
      ]) {
        const { seen } = await keysetAll(h, 4, filter);
        expect(seen).toEqual(await h.oracle.orders(filter));
      }
    });

    h.test('a malformed or tampered cursor is InvalidCursorError', async () => {
      const first = await h.repo.listOrdersKeyset({ pageSize: 5 });
      expect(first.nextCursor).toEqual(expect.any(String));
      const cursor = first.nextCursor!;
      for (const bad of [
        '',
        'garbage',
        'v1.x.y',
        `${cursor}x`,
        tamper(cursor),
        cursor.replace(/^v1/, 'v9'),
      ]) {
        await expectDalError(h.repo.listOrdersKeyset({ after: bad, pageSize: 5 }), InvalidCursorError);
      }
      const second = await h.repo.listOrdersKeyset({ after: cursor, pageSize: 5 });
      expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    });

    h.test('the keyset query uses the index with a row-value comparison (EXPLAIN)', async (t) => {
      await h.load('dataset');
      const first = await h.repo.listOrdersKeyset({ pageSize: 20 });
      const counted = await h.count(t, () =>
        h.repo.listOrdersKeyset({ after: first.nextCursor, pageSize: 20 }),
      );
      const statement = counted.queries.find((q) => /from\s+"?orders"?/i.test(q.query) && /</.test(q.query));
      expect(statement, JSON.stringify(counted.queries)).toBeDefined();
      const plan = await explainGeneric(h, statement!.query);
      expect(plan).toMatch(/Index (Only )?Scan using orders_created_idx/);
      expect(plan).toMatch(/Index Cond: \(ROW\(created_at, id\) < ROW\(/);
      expect(plan).not.toMatch(/\bSort\b/);
    });

    h.test('countOrders counts with and without filters', async () => {
      await h.load('dataset');
      expect(await h.repo.countOrders()).toBe((await h.oracle.orders()).length);
      expect(await h.repo.countOrders({})).toBe(400);
      expect(await h.repo.countOrders({ status: 'paid' })).toBe(
        (await h.oracle.orders({ status: 'paid' })).length,
      );
      expect(await h.repo.countOrders({ customerId: 9, status: 'shipped' })).toBe(
        (await h.oracle.orders({ customerId: 9, status: 'shipped' })).length,
      );
      expect(await h.repo.countOrders({ customerId: 999_999 })).toBe(0);
    });
  });
}

/**
 * The generic plan of a normalised statement ($1, $2, ... placeholders) as pg_stat_statements recorded it:
 * PREPARE it and EXPLAIN EXECUTE with NULLs under force_generic_plan, so the plan does not depend on values.
 * Sequential scans are disabled so the test asks "can this query use the index in order", not "is the
 * table small".
 */
async function explainGeneric(h: Harness, query: string): Promise<string> {
  const client = await h.pool.connect();
  try {
    const params = Math.max(0, ...[...query.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    await client.query('BEGIN');
    await client.query('SET LOCAL plan_cache_mode = force_generic_plan');
    await client.query('SET LOCAL enable_seqscan = off');
    await client.query(`PREPARE dal_keyset_probe AS ${query}`);
    const args = params ? `(${Array.from({ length: params }, () => 'NULL').join(', ')})` : '';
    const { rows } = await client.query(`EXPLAIN EXECUTE dal_keyset_probe${args}`);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.query('DEALLOCATE ALL').catch(() => {});
    client.release();
  }
}
