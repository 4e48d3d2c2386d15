import { CURSOR_TIMESTAMP_FORMAT, encodeCursor } from '@dal/core';
import { type BenchCase, type Scenario, SINGLE_CALLER_READ } from '../scenario';

const PAGE_SIZE = 20;
const DEPTHS = [1, 10, 100, 1_000, 10_000];

export const pagination: Scenario = {
  id: 'pagination',
  title: `listOrdersOffset vs listOrdersKeyset by page depth (pageSize ${PAGE_SIZE})`,
  measures:
    'The time to fetch page d of all orders with LIMIT/OFFSET, which reads and skips every earlier row, and with a keyset cursor, which seeks the index.',
  columns: ['method', 'depth'],
  writes: false,
  ...SINGLE_CALLER_READ,
  async cases({ db }) {
    const pages = Math.floor(db.sizes.orders / PAGE_SIZE);
    const cases: BenchCase[] = [];
    for (const depth of DEPTHS.filter((d) => d <= pages)) {
      // the keyset cursor of page d is built, untimed, from the last row of page d - 1
      let after: string | null = null;
      if (depth > 1) {
        const { rows } = await db.pool.query(
          `SELECT id, to_char(created_at AT TIME ZONE 'UTC', $1) AS created_at FROM orders
            ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
          [CURSOR_TIMESTAMP_FORMAT, (depth - 1) * PAGE_SIZE - 1],
        );
        after = encodeCursor({ createdAt: rows[0].created_at, id: rows[0].id });
      }
      cases.push({
        id: `offset/${depth}`,
        labels: { method: 'offset', depth },
        task: (impl) => {
          const page = () => impl.repo.listOrdersOffset({ page: depth, pageSize: PAGE_SIZE });
          return { run: page, check: page };
        },
      });
      cases.push({
        id: `keyset/${depth}`,
        labels: { method: 'keyset', depth },
        task: (impl) => {
          const page = () => impl.repo.listOrdersKeyset({ after, pageSize: PAGE_SIZE });
          return { run: page, check: page };
        },
      });
    }
    return cases;
  },
};
