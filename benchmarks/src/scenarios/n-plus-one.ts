import { LOAD_STRATEGIES } from '@dal/core';
import {
  type Scenario,
  SINGLE_CALLER_ROUND_COUNT,
  SINGLE_CALLER_ROUND_TIME,
  SINGLE_CALLER_WARM_UP,
} from '../scenario';

const LIMIT = 50;

export const nPlusOne: Scenario = {
  id: 'n-plus-one',
  title: `recentOrdersWithDetails (limit ${LIMIT}) by loading strategy`,
  measures:
    'The cost of loading 50 orders with customer, items and products as N+1 queries (naive), one query per relation level (batched) or one statement (joined).',
  columns: ['strategy'],
  writes: false,
  roundsFactor: SINGLE_CALLER_ROUND_COUNT,
  roundTimeFactor: SINGLE_CALLER_ROUND_TIME,
  warmUpFactor: SINGLE_CALLER_WARM_UP,
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
