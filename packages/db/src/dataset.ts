import { createHash } from 'node:crypto';

export const SCALES = {
  test: { customers: 60, products: 40, orders: 400, accounts: 40 },
  quick: { customers: 2_000, products: 1_000, orders: 20_000, accounts: 1_000 },
  default: { customers: 100_000, products: 10_000, orders: 1_000_000, accounts: 10_000 },
} as const;
export type Scale = keyof typeof SCALES;
export const DEFAULT_SEED = 42;

/** Orders are spread over two years from this instant (microseconds since the epoch). */
const START_US = BigInt(Date.UTC(2024, 0, 1)) * 1000n;
const SPAN_US = 2n * 365n * 24n * 3600n * 1_000_000n;
const STATUSES = ['pending', 'paid', 'paid', 'shipped', 'shipped', 'shipped', 'cancelled'] as const;
const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Edsger', 'Margaret', 'Ken', 'Frances', 'Dennis', 'Radia'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Liskov',
  'Dijkstra',
  'Hamilton',
  'Thompson',
  'Allen',
  'Ritchie',
];

/** mulberry32: a small, fast, seedable PRNG, so the same seed always yields the same dataset. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `2024-05-01 10:00:00.123456+00` from microseconds since the epoch (COPY text format, exact). */
export function formatMicros(us: bigint): string {
  const ms = us / 1000n;
  const iso = new Date(Number(ms)).toISOString(); // 2024-05-01T10:00:00.123Z
  const micro = (us % 1000n).toString().padStart(3, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}${micro}+00`;
}

/** One table's rows as COPY text lines (tab-separated, ids included), generated lazily. */
export type RowSource = () => Iterable<string>;

export interface DatasetRows {
  customers: RowSource;
  products: RowSource;
  orders: RowSource;
  orderItems: RowSource;
  accounts: RowSource;
}

/** Copy-text escaping for free text (tab, newline, backslash). */
function esc(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

export function datasetFingerprint(scale: Scale, seed: number, schema: string): string {
  return createHash('sha256').update(`${scale}:${seed}:${schema}`).digest('hex').slice(0, 16);
}

/**
 * The rows of a scale, generated lazily and deterministically from `seed`.
 * About 10% of orders copy the created_at of an earlier order exactly, and 5% land in the same millisecond
 * as an earlier one with other microseconds, so pagination ties and sub-millisecond ordering are exercised.
 * Order totals equal the sum of their items' quantity x unit price.
 */
export function generateDataset(scale: Scale, seed = DEFAULT_SEED): DatasetRows {
  const size = SCALES[scale];
  const rand = prng(seed ^ 0x5eed);
  const prices = Array.from({ length: size.products }, () => 100 + Math.floor(rand() * 99_900));

  // orders and items come from one walk of the same PRNG, so each order's total matches its items
  function* ordersAndItems(which: 'orders' | 'items'): Generator<string> {
    const rand = prng(seed ^ 0x0dd5);
    const times: bigint[] = [];
    let itemId = 0;
    for (let id = 1; id <= size.orders; id++) {
      let at: bigint;
      const roll = rand();
      if (times.length > 0 && roll < 0.1) at = times[Math.floor(rand() * times.length)]!;
      else if (times.length > 0 && roll < 0.15) {
        const base = times[Math.floor(rand() * times.length)]!;
        at = base - (base % 1000n) + BigInt(Math.floor(rand() * 1000));
      } else at = START_US + BigInt(Math.floor(rand() * Number(SPAN_US)));
      times.push(at);
      const customer = 1 + Math.floor(rand() * size.customers);
      const status = STATUSES[Math.floor(rand() * STATUSES.length)];
      const count = 1 + Math.floor(rand() * 5);
      const chosen = new Set<number>();
      let total = 0;
      const items: string[] = [];
      while (chosen.size < Math.min(count, size.products)) {
        const product = 1 + Math.floor(rand() * size.products);
        if (chosen.has(product)) continue;
        chosen.add(product);
        const quantity = 1 + Math.floor(rand() * 4);
        const price = prices[product - 1]!;
        total += quantity * price;
        items.push(`${++itemId}\t${id}\t${product}\t${quantity}\t${price}\n`);
      }
      if (which === 'orders') yield `${id}\t${customer}\t${status}\t${total}\t${formatMicros(at)}\n`;
      else yield* items;
    }
  }

  return {
    *customers() {
      const rand = prng(seed ^ 0xc057);
      for (let id = 1; id <= size.customers; id++) {
        const name = `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]}`;
        const created = START_US - BigInt(Math.floor(rand() * 365 * 24 * 3600)) * 1_000_000n;
        // accounts belong to the first customers, who stay live; a few others are soft-deleted
        const deleted = id > size.accounts && rand() < 0.02 ? formatMicros(created + 86_400_000_000n) : '\\N';
        yield `${id}\tcustomer${id}@example.com\t${esc(name)}\t${formatMicros(created)}\t${deleted}\n`;
      }
    },
    *products() {
      const rand = prng(seed ^ 0x9a0d);
      for (let id = 1; id <= size.products; id++) {
        const sku = `SKU-${String(id).padStart(6, '0')}`;
        const stock = 1_000_000 + Math.floor(rand() * 1_000_000);
        yield `${id}\t${sku}\tProduct ${id}\t${prices[id - 1]}\t${stock}\t1\t${formatMicros(START_US)}\n`;
      }
    },
    orders: () => ordersAndItems('orders'),
    orderItems: () => ordersAndItems('items'),
    *accounts() {
      for (let id = 1; id <= size.accounts; id++) yield `${id}\t${id}\t1000000\t1\n`;
    },
  };
}
