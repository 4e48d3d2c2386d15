import { LOAD_STRATEGIES } from '@dal/core';
import { type Scenario, SINGLE_CALLER_READ } from '../scenario';

const LIMIT = 50;

export const nPlusOne: Scenario = {
  id: 'n-plus-one',
  title: `recentOrdersWithDetails (limit ${LIMIT}) by loading strategy`,
  measures:
    'The cost of loading 50 orders with customer, items and products as N+1 queries (naive), one query per relation level (batched) or one statement (joined).',
  columns: ['strategy'],
  writes: false,
  ...SINGLE_CALLER_READ,
  async cases() {
    return LOAD_STRATEGIES.map((strategy) => ({
      id: strategy,
      labels: { strategy },
      task: (impl) => {
        const load = () => impl.repo.recentOrdersWithDetails({ limit: LIMIT }, strategy);
        return { run: load, check: load, countedOperations: 1 };
      },
    }));
  },
};
