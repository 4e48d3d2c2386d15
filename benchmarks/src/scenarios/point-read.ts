import { pick, random } from '../random';
import type { Scenario } from '../scenario';

export const pointRead: Scenario = {
  id: 'point-read',
  title: 'getProduct by id, one caller',
  measures:
    "Each library's per-operation overhead over raw pg on the smallest query there is: one row by primary key.",
  columns: ['operation'],
  writes: false,
  async cases({ db }) {
    const products = db.sizes.products;
    return [
      {
        id: 'getProduct',
        labels: { operation: 'getProduct' },
        task: (impl) => {
          let next = random(1);
          return {
            open: async (round) => {
              next = random(0x9e7 + round);
            },
            run: () => impl.repo.getProduct(pick(next, products)),
            check: () =>
              Promise.all([1, 2, Math.ceil(products / 2), products].map((id) => impl.repo.getProduct(id))),
          };
        },
      },
    ];
  },
};
