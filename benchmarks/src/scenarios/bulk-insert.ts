import { BULK_METHODS, type NewOrderItem } from '@dal/core';
import { pick, random } from '../random';
import type { Scenario } from '../scenario';

/**
 * What the inserts write. The VACUUM before each insert is cheap at 10,000 dead rows of 3M: it reads the few
 * pages the insert appended, and PostgreSQL skips the index pass while pages with dead items stay below 2% of
 * the table (then one pass clears them).
 */
const WRITTEN = ['order_items'];

export const bulkInsert: Scenario = {
  id: 'bulk-insert',
  title: 'insertOrderItems by bulk method',
  measures:
    'Rows per second when inserting a batch of order items (all or nothing) with each bulk method the implementation declares: one INSERT per row, multi-row INSERT, unnest arrays, COPY.',
  columns: ['method', 'rows'],
  unitRate: 'rows/s',
  writes: true,
  async cases({ db, profile }) {
    const next = random(0xb01c);
    const { orders, products } = db.sizes;
    const all: NewOrderItem[] = Array.from({ length: profile.bulkRows }, (_, i) => ({
      orderId: 1 + (i % orders),
      productId: pick(next, products),
      quantity: pick(next, 5),
      unitPriceCents: pick(next, 100_000),
    }));
    return BULK_METHODS.map((method) => {
      // one INSERT per row costs the same per row whatever the count: its first loopRows rows give its rows/s
      // in a tenth of the time, and 10,000 of them made one call last longer than a whole round of the rest
      const rows = method === 'loop' ? all.slice(0, profile.loopRows) : all;
      return {
        id: method,
        labels: { method, rows: rows.length },
        unitsPerOp: rows.length,
        task: (impl) => {
          if (!impl.meta.bulkMethods.includes(method)) return null;
          let autovacuums = 0;
          return {
            // the table as every timed insert finds it: reset (after the previous insert) and vacuumed, so the
            // dead rows of earlier inserts neither pile up nor wake autovacuum inside a timed call
            open: async () => {
              await db.vacuum(WRITTEN);
              autovacuums = await db.autovacuumRuns(WRITTEN);
            },
            // autovacuum runs that started between the vacuum and the end of the round: 0 is what is claimed
            afterRun: async () => ({
              autovacuums: { sum: (await db.autovacuumRuns(WRITTEN)) - autovacuums },
            }),
            run: () => impl.repo.insertOrderItems(rows, method),
            check: async () => ({
              returned: await impl.repo.insertOrderItems(rows, method),
              written: await db.writtenItems(),
            }),
            afterEach: () => db.reset(),
            iterations: 1,
            countedOperations: 1,
          };
        },
      };
    });
  },
};
