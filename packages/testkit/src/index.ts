export { describeShopContract } from './contract';
export { expectDalError } from './expect-error';
export { BASE, type FixtureName, loadFixture } from './fixtures';
export { type Harness, TEST_POOL_SIZE, useHarness } from './harness';
export { ENVIRONMENT_GAPS, type KnownGap } from './known-gaps';
export { type LiveColumn, liveColumns, SCHEMA_TABLES } from './live-schema';
export { Oracle } from './oracle';
export { useSchemaDatabase } from './schema-database';
export { orderItemRows } from './suite/bulk';
