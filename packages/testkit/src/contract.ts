import type { ImplementationMeta, RepositoryFactory } from '@dal/core';
import { describe } from 'vitest';
import { useHarness } from './harness';
import type { KnownGap } from './known-gaps';
import { accountTests } from './suite/accounts';
import { bulkTests } from './suite/bulk';
import { customerTests } from './suite/customers';
import { hostileInputTests } from './suite/hostile-input';
import { invariantTests } from './suite/invariants';
import { lifecycleTests } from './suite/lifecycle';
import { loadingTests } from './suite/loading';
import { orderTests } from './suite/orders';
import { paginationTests } from './suite/pagination';
import { preparedStatementTests } from './suite/prepared-statements';
import { productTests } from './suite/products';
import { stockTests } from './suite/stock';
import { unavailableTests } from './suite/unavailable';

/**
 * The shared contract suite (SPEC §5, §7). An implementation's test file calls it once:
 *
 *     describeShopContract(meta, createRepository, { knownGaps });
 *
 * The file gets its own database from schema/, reset to the `base` fixture before each test.
 */
export function describeShopContract(
  meta: ImplementationMeta,
  factory: RepositoryFactory,
  options: { knownGaps?: readonly KnownGap[] } = {},
): void {
  describe(`${meta.displayName} — ShopRepository contract`, () => {
    const h = useHarness(meta, factory, options.knownGaps ?? []);
    customerTests(h);
    productTests(h);
    stockTests(h);
    orderTests(h);
    loadingTests(h);
    paginationTests(h);
    bulkTests(h);
    accountTests(h);
    preparedStatementTests(h);
    invariantTests(h);
    unavailableTests(h);
    hostileInputTests(h);
    lifecycleTests(h);
  });
}
