import type { ShopRepository } from '@dal/core';
import { offersStatementMode, openRepository, STATEMENT_MODES } from '../implementations';
import { pick, random } from '../random';
import type { BenchCase, Scenario } from '../scenario';

export const pointRead: Scenario = {
  id: 'point-read',
  title: 'getProduct by id, one caller',
  measures:
    "Each library's per-operation overhead over raw pg on the smallest query there is: one row by primary key; unnamed statements (every library's default) and named prepared statements where the library has them.",
  columns: ['operation', 'statements'],
  writes: false,
  async cases({ db, libraryUrl, poolSize }) {
    const products = db.sizes.products;
    const checked = [1, 2, Math.ceil(products / 2), products];
    return STATEMENT_MODES.map(
      (mode): BenchCase => ({
        id: mode === 'unnamed' ? 'getProduct' : 'getProduct prepared',
        labels: { operation: 'getProduct', statements: mode },
        task: (impl) => {
          if (!offersStatementMode(impl, mode)) return null;
          let next = random(1);
          // the scenario's repository uses unnamed statements; prepared ones get a repository of their own
          let own: ShopRepository | undefined;
          const repo = () => own ?? impl.repo;
          return {
            open: async (round) => {
              next = random(0x9e7 + round);
              if (mode === 'prepared')
                own = await openRepository(impl, libraryUrl, poolSize, { preparedStatements: true });
            },
            close: async () => {
              await own?.close();
              own = undefined;
            },
            run: () => repo().getProduct(pick(next, products)),
            check: () => Promise.all(checked.map((id) => repo().getProduct(id))),
          };
        },
      }),
    );
  },
};
