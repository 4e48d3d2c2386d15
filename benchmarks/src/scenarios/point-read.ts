import type { ShopRepository } from '@dal/core';
import { offersStatementMode, openWarmRepository, STATEMENT_MODES } from '../implementations';
import { pick, random, roundInputs } from '../random';

const SEED = 0x9e7;
/** Inputs verified from the start of each timed round's sequence. */
const VERIFIED_PER_ROUND = 5;

import { type BenchCase, type Scenario, SINGLE_CALLER_READ } from '../scenario';

export const pointRead: Scenario = {
  id: 'point-read',
  title: 'getProduct by id, one caller',
  measures:
    "Each library's per-operation overhead over raw pg on the smallest query there is: one row by primary key; unnamed statements (every library's default) and named prepared statements where the library has them.",
  columns: ['operation', 'statements'],
  writes: false,
  ...SINGLE_CALLER_READ,
  async cases(ctx) {
    const { db, poolSize, profile } = ctx;
    const products = db.sizes.products;
    // the first ids of every timed round's sequence, and the edges of the table
    const checked = [
      1,
      products,
      ...roundInputs(SEED, profile.rounds, VERIFIED_PER_ROUND, (next) => pick(next, products)),
    ];
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
              next = random(SEED + round);
              if (mode === 'prepared')
                own = await openWarmRepository(impl, ctx.libraryUrl, poolSize, { preparedStatements: true });
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
