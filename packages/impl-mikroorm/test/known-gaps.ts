import type { KnownGap } from '@dal/testkit';

/** Contract tests this implementation cannot pass, with the reason. The target is an empty list. */
export const knownGaps: readonly KnownGap[] = [
  {
    test: 'prepared statements > without a library API for prepared statements, preparedStatements changes nothing on the wire',
    reason:
      'the suite expects at least 10 unnamed Parse messages; MikroORM 6 inlines every value into the SQL text and sends it with no bind parameters, which node-postgres sends over the simple query protocol (no Parse at all): nothing named, but 0 Parses',
  },
];
