import type { NewOrder } from '@dal/core';
import { pick, random, roundInputs, volatileDate } from '../random';
import type { Scenario } from '../scenario';

/** Three distinct products, quantities 1..3, a customer among the first ones (never soft-deleted). */
function orderInput(next: () => number, customers: number, products: number): NewOrder {
  const ids = new Set<number>();
  while (ids.size < 3) ids.add(pick(next, products));
  return {
    customerId: pick(next, customers),
    items: [...ids].map((productId) => ({ productId, quantity: pick(next, 3) })),
  };
}

export const createOrder: Scenario = {
  id: 'create-order',
  title: 'createOrder with 3 items',
  measures:
    'The write path: one transaction that locks three products, decrements stock and inserts an order with its items.',
  columns: ['items'],
  writes: true,
  async cases({ db, profile }) {
    // accounts belong to the first customers, and those are never soft-deleted by the dataset generator
    const customers = db.sizes.accounts;
    const products = db.sizes.products;
    return [
      {
        id: 'createOrder',
        labels: { items: 3 },
        task: (impl) => {
          let next = random(1);
          return {
            open: async (round) => {
              next = random(0xc0de + round);
            },
            run: () => impl.repo.createOrder(orderInput(next, customers, products)),
            // the first orders of every timed round's sequence, one after the other, and the stock they left
            check: async () => {
              const inputs = roundInputs(0xc0de, profile.rounds, 2, (n) =>
                orderInput(n, customers, products),
              );
              const out: unknown[] = [];
              for (const input of inputs) {
                const order = await impl.repo.createOrder(input);
                out.push({
                  ...order,
                  createdAt: volatileDate(order.createdAt),
                  stock: await Promise.all(order.items.map((i) => impl.repo.getProduct(i.productId))),
                });
              }
              return out;
            },
          };
        },
      },
    ];
  },
};
