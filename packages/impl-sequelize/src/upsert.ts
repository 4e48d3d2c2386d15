import { chunks, type ProductUpsert } from '@dal/core';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Models } from './models';

/** The part of Sequelize's query generator (not in its typings: `queryGenerator: unknown`) used here. */
interface QueryGenerator {
  bulkInsertQuery(
    table: unknown,
    rows: Record<string, unknown>[],
    options: { updateOnDuplicate: string[]; upsertKeys: string[] },
    attributes: unknown,
  ): string;
}

/** Overwritten from the new row on conflict; updated_at's new value is the database's now(). */
const OVERWRITE = ['name', 'price_cents', 'stock', 'updated_at'];
const GENERATED_END = '"updated_at"=EXCLUDED."updated_at";';
const BUMP = '"updated_at"=EXCLUDED."updated_at","version"="products"."version"+1;';

/**
 * One INSERT ... ON CONFLICT (sku) DO UPDATE per chunk of INSERT_CHUNK_ROWS, in one transaction.
 * `bulkCreate(rows, { updateOnDuplicate })` renders only `column=EXCLUDED.column`: it can set updated_at
 * (each row is sent with `updated_at = now()`), but not `version = version + 1`.
 */
export async function upsertProducts(
  sequelize: Sequelize,
  m: Models,
  t: Transaction,
  rows: ProductUpsert[],
): Promise<number> {
  const generator = sequelize.getQueryInterface().queryGenerator as QueryGenerator;
  let affected = 0;
  for (const chunk of chunks(rows)) {
    // the same statement bulkCreate({ updateOnDuplicate }) sends, from the same generator
    const sql = generator.bulkInsertQuery(
      m.Product.getTableName(),
      chunk.map((r) => ({
        sku: r.sku,
        name: r.name,
        price_cents: r.priceCents,
        stock: r.stock,
        updated_at: sequelize.fn('now'),
      })),
      { updateOnDuplicate: OVERWRITE, upsertKeys: ['sku'] },
      Object.fromEntries(Object.values(m.Product.getAttributes()).map((a) => [a.field, a])),
    );
    // escape hatch: upsertProducts: updateOnDuplicate renders only `column=EXCLUDED.column`, so the
    // version bump is appended to the DO UPDATE SET list Sequelize generated
    if (!sql.endsWith(GENERATED_END)) throw new Error(`unexpected upsert SQL: ${sql.slice(-120)}`);
    const [, count] = await sequelize.query(sql.slice(0, -GENERATED_END.length) + BUMP, {
      type: QueryTypes.INSERT,
      transaction: t,
    });
    affected += count;
  }
  return affected;
}
