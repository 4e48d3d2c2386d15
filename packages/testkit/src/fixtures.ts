import { seedDataset, truncateAll } from '@dal/db';
import type pg from 'pg';

/**
 * Named fixtures the contract suite resets to before each test.
 * - `base`: a handful of explicit rows every test can reason about (listed below);
 * - `dataset`: the deterministic `test` scale of @dal/db (400 orders with created_at ties and
 *   sub-millisecond differences), for pagination and loading;
 * - `empty`: no rows.
 */
export type FixtureName = 'base' | 'dataset' | 'empty';

export const BASE = {
  customers: {
    alice: { id: 1, email: 'alice@example.com', name: 'Alice Liddell' },
    bob: { id: 2, email: 'Bob@Example.com', name: 'Bob Tables' },
    carol: { id: 3, email: 'carol@example.com', name: 'Carol Gone' }, // soft-deleted
    dave: { id: 4, email: 'dave@example.com', name: 'Dave' },
    eve: { id: 5, email: 'eve@example.com', name: 'Eve Rich' },
  },
  products: {
    widget: { id: 1, sku: 'SKU-1', name: 'Widget', priceCents: 1250, stock: 10 },
    gadget: { id: 2, sku: 'SKU-2', name: 'Gadget', priceCents: 399, stock: 5 },
    gizmo: { id: 3, sku: 'SKU-3', name: 'Gizmo', priceCents: 10_000, stock: 1 },
    soldOut: { id: 4, sku: 'SKU-4', name: 'Sold Out', priceCents: 50, stock: 0 },
    bulk: { id: 5, sku: 'SKU-5', name: 'Bulk Item', priceCents: 777, stock: 1_000_000 },
  },
  accounts: {
    alice: { id: 1, customerId: 1, balanceCents: 100_000 },
    bob: { id: 2, customerId: 2, balanceCents: 50_000 },
    dave: { id: 3, customerId: 4, balanceCents: 0 },
    eve: { id: 4, customerId: 5, balanceCents: 5_000_000_000 },
  },
  productsUpdatedAt: '2024-01-01T00:00:00.000000Z',
  /** Orders 1..24; every third pair shares a created_at, others differ only in microseconds. */
  orderCount: 24,
} as const;

/** created_at of base order `i` (1-based): ties and sub-millisecond steps on purpose. */
export function baseOrderCreatedAt(i: number): string {
  const day = 1 + Math.floor((i - 1) / 4);
  const micro = [0, 0, 500, 999][(i - 1) % 4]!; // orders 4k+1 and 4k+2 tie; 4k+3, 4k+4 differ in microseconds
  return `2024-03-${String(day).padStart(2, '0')}T10:00:00.${String(micro).padStart(6, '0')}Z`;
}

function baseOrders() {
  const statuses = ['pending', 'paid', 'shipped', 'cancelled'] as const;
  const products = Object.values(BASE.products).filter((p) => p.id !== 4);
  const orders: string[] = [];
  const items: string[] = [];
  let itemId = 0;
  for (let i = 1; i <= BASE.orderCount; i++) {
    const customerId = [1, 2, 4, 3][i % 4]!;
    const count = 1 + (i % 3);
    let total = 0;
    for (let k = 0; k < count; k++) {
      const product = products[(i + k) % products.length]!;
      const quantity = 1 + ((i + k) % 3);
      total += quantity * product.priceCents;
      items.push(`(${++itemId}, ${i}, ${product.id}, ${quantity}, ${product.priceCents})`);
    }
    orders.push(`(${i}, ${customerId}, '${statuses[i % 4]}', ${total}, '${baseOrderCreatedAt(i)}')`);
  }
  return { orders, items };
}

const { orders, items } = baseOrders();
const c = BASE.customers;
const p = Object.values(BASE.products);
const a = Object.values(BASE.accounts);

const BASE_SQL = `
INSERT INTO customers (id, email, name, created_at, deleted_at) OVERRIDING SYSTEM VALUE VALUES
  (${c.alice.id}, '${c.alice.email}', '${c.alice.name}', '2024-01-01T00:00:00.000001Z', NULL),
  (${c.bob.id}, '${c.bob.email}', '${c.bob.name}', '2024-01-02T00:00:00.000002Z', NULL),
  (${c.carol.id}, '${c.carol.email}', '${c.carol.name}', '2024-01-03T00:00:00Z', '2024-02-01T00:00:00Z'),
  (${c.dave.id}, '${c.dave.email}', '${c.dave.name}', '2024-01-04T00:00:00Z', NULL),
  (${c.eve.id}, '${c.eve.email}', '${c.eve.name}', '2024-01-05T00:00:00Z', NULL);
INSERT INTO products (id, sku, name, price_cents, stock, version, updated_at) OVERRIDING SYSTEM VALUE VALUES
  ${p.map((x) => `(${x.id}, '${x.sku}', '${x.name}', ${x.priceCents}, ${x.stock}, 1, '${BASE.productsUpdatedAt}')`).join(',\n  ')};
INSERT INTO orders (id, customer_id, status, total_cents, created_at) OVERRIDING SYSTEM VALUE VALUES
  ${orders.join(',\n  ')};
INSERT INTO order_items (id, order_id, product_id, quantity, unit_price_cents) OVERRIDING SYSTEM VALUE VALUES
  ${items.join(',\n  ')};
INSERT INTO accounts (id, customer_id, balance_cents, version) OVERRIDING SYSTEM VALUE VALUES
  ${a.map((x) => `(${x.id}, ${x.customerId}, ${x.balanceCents}, 1)`).join(',\n  ')};
SELECT setval(pg_get_serial_sequence(t, 'id'), 1000)
  FROM unnest(ARRAY['customers', 'products', 'orders', 'order_items', 'accounts', 'transfers']) AS t;
`;

/** Empties the database and loads the named fixture. */
export async function loadFixture(pool: pg.Pool, url: string, name: FixtureName): Promise<void> {
  if (name === 'dataset') {
    await seedDataset(url, { scale: 'test' });
    return;
  }
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await truncateAll(client);
    if (name === 'base') await client.query(BASE_SQL);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
