import { LOAD_STRATEGIES } from '@dal/core';
import type { Scenario } from '../scenario';

const LIMIT = 50;

export const nPlusOne: Scenario = {
  id: 'n-plus-one',
  title: `recentOrdersWithDetails (limit ${LIMIT}) by loading strategy`,
  measures:
    'The cost of loading 50 orders with customer, items and products as N+1 queries (naive), one query per relation level (batched) or one statement (joined).',
  columns: ['strategy'],
  writes: false,
  // single-caller rounds of 60 ms gave × pg intervals of ±23% median half-width and 45% of ratios agreeing
  // within 10% between two back-to-back runs (Node's GC and the shared machine's noise land in whichever task
  // runs): four times longer rounds average more of it out (benchmarks/README.md, Method)
  roundTimeFactor: 4,
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
