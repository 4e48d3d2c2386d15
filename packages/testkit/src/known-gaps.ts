/**
 * A contract test that an implementation cannot pass, with the reason. Each implementation package lists
 * its own in src/known-gaps.ts (the target is an empty list); the suite reports those tests as skipped
 * with the reason in their name, and fails when a gap names a test that does not exist.
 */
export interface KnownGap {
  /** The full test name as the suite prints it, e.g. "orders > createOrder locks products in id order". */
  test: string;
  reason: string;
}

/**
 * Gaps of the environment rather than of an implementation: tests skipped at run time, with this reason,
 * when the server cannot support them.
 */
export const ENVIRONMENT_GAPS = {
  statementCounts:
    'statement counts are read from pg_stat_statements, which this server does not preload ' +
    "(shared_preload_libraries); the embedded PostgreSQL 18 preloads it, and so does docker-compose.yml's",
} as const;
