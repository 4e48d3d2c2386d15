import type { KnownGap } from '@dal/testkit';

/** Contract tests this implementation cannot pass, with the reason. The target is an empty list. */
export const knownGaps: readonly KnownGap[] = [
  {
    test: 'recentOrdersWithDetails > statement counts, as the database saw them: joined 1, batched 1 per level, naive 1 + per row',
    reason:
      'the suite expects naive = 1 + 2 x orders + items, which assumes no identity map; MikroORM lazy loading inside one fork skips a customer or product already loaded by an earlier order or item (1 + orders + distinct customers + distinct products: 74, not 96, on the dataset); joined 1 and batched 4 pass',
  },
  {
    test: 'prepared statements > without a library API for prepared statements, preparedStatements changes nothing on the wire',
    reason:
      'the suite expects at least 10 unnamed Parse messages; MikroORM 6 inlines every value into the SQL text and sends it with no bind parameters, which node-postgres sends over the simple query protocol (no Parse at all): nothing named, but 0 Parses',
  },
];
