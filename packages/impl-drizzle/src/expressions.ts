import { type Placeholder, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

// Drizzle has no builders for SQL functions, arithmetic or CASE; sql`` is its documented way to write them
// inside .set(), .values(), .where() and index definitions. Every such fragment lives here; each call site
// is marked at its call site, under the label of its contract method (the rule is in the root README).

export const now = (): SQL => sql`now()`;

export const plusOne = (column: AnyPgColumn): SQL => sql`${column} + 1`;

/** The value an INSERT ... ON CONFLICT DO UPDATE proposed for `column` (the helper of Drizzle's upsert guide). */
export const excluded = (column: AnyPgColumn): SQL => sql.raw(`excluded.${column.name}`);

/** The lower() the partial unique index on lower(email) is built on (the helper of Drizzle's index docs). */
export const lower = (value: AnyPgColumn | Placeholder | string): SQL => sql`lower(${value})`;

/**
 * `column + CASE id WHEN ... THEN delta ... END`: one UPDATE adds each row its own delta (Drizzle's guide
 * "update many with different values"). `type` types the parameters, which PostgreSQL would read as text.
 */
export function plusPerRow(
  column: AnyPgColumn,
  id: AnyPgColumn,
  deltas: Map<number, number>,
  type: 'int' | 'bigint',
): SQL {
  const whens = [...deltas].map(([key, delta]) => sql`WHEN ${key} THEN ${delta}::${sql.raw(type)}`);
  return sql`${column} + CASE ${id} ${sql.join(whens, sql` `)} END`;
}

/** `column + delta`: the increment Drizzle has no builder for. */
export const plus = (column: AnyPgColumn, delta: number): SQL => sql`${column} + ${delta}`;
