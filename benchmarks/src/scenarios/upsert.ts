import type { ProductUpsert } from '@dal/core';
import { pick, random, volatileDate } from '../random';
import type { Scenario } from '../scenario';

const ROWS = 1_000;

/** The sku the dataset generator gives product `id`. */
const seededSku = (id: number) => `SKU-${String(id).padStart(6, '0')}`;

/**
 * ROWS rows: `existing` skus of the seeded products (distinct, from the PRNG) with a new name, price and stock,
 * then new skus made unique by `tag`.
 */
function rows(next: () => number, products: number, existing: number, tag: string): ProductUpsert[] {
  const ids = new Set<number>();
  while (ids.size < existing) ids.add(pick(next, products));
  const update = [...ids].map((id) => ({
    sku: seededSku(id),
    name: `Product ${id} (${tag})`,
    priceCents: pick(next, 100_000),
    stock: pick(next, 1_000),
  }));
  const insert = Array.from({ length: ROWS - existing }, (_, i) => ({
    sku: `UPSERT-${tag}-${i}`,
    name: `Upserted ${tag} ${i}`,
    priceCents: pick(next, 100_000),
    stock: pick(next, 1_000),
  }));
  return [...update, ...insert];
}

export const upsert: Scenario = {
  id: 'upsert',
  title: `upsertProducts of ${ROWS.toLocaleString('en-US')} rows, half new`,
  measures:
    'INSERT ... ON CONFLICT (sku) DO UPDATE through each library: one statement per chunk where the library allows it, existing rows updated with a version bump.',
  columns: ['rows', 'new'],
  unitRate: 'rows/s',
  writes: true,
  async cases({ db }) {
    const products = db.sizes.products;
    // half existing; the test scale has fewer products than that
    const existing = Math.min(ROWS / 2, products);
    return [
      {
        id: 'upsertProducts',
        labels: { rows: ROWS, new: ROWS - existing },
        unitsPerOp: ROWS,
        task: (impl) => {
          let next = random(1);
          let serial = 0;
          let tag = '';
          return {
            open: async (round) => {
              next = random(0x5e7 + round);
              tag = `${impl.id}-${round}`;
              serial = 0;
            },
            run: () => impl.repo.upsertProducts(rows(next, products, existing, `${tag}-${++serial}`)),
            check: async () => {
              const input = rows(random(11), products, existing, 'check');
              const { affected } = await impl.repo.upsertProducts(input);
              // the first row updates a seeded product: its new values, version 2, updated_at from now()
              const updated = await impl.repo.getProduct(Number(input[0]!.sku.slice('SKU-'.length)));
              return { affected, updated: { ...updated, updatedAt: volatileDate(updated.updatedAt) } };
            },
          };
        },
      },
    ];
  },
};
