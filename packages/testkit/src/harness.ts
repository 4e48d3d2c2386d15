import { randomBytes } from 'node:crypto';
import type { ImplementationMeta, RepositoryFactory, RepositoryOptions, ShopRepository } from '@dal/core';
import { createSchemaDatabase, dropDatabase, type StatementCount, StatementCounter } from '@dal/db';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, inject, it, type TestContext } from 'vitest';
import { type FixtureName, loadFixture } from './fixtures';
import './provided-context';
import { ENVIRONMENT_GAPS, type KnownGap } from './known-gaps';
import { Oracle } from './oracle';

/** Pool size of the repository under test; concurrency tests open others. */
export const TEST_POOL_SIZE = 8;

/** What every contract test receives. */
export interface Harness {
  meta: ImplementationMeta;
  /** The repository under test (pool TEST_POOL_SIZE), connected to this file's database. */
  readonly repo: ShopRepository;
  readonly oracle: Oracle;
  readonly url: string;
  readonly database: string;
  /** The pool the suite itself uses on this file's database (fixtures, oracle, EXPLAIN). */
  readonly pool: pg.Pool;
  /** Resets the database to a fixture (every test starts on `base`). */
  load(fixture: FixtureName): Promise<void>;
  /**
   * Another repository on the same database (or at `options.connectionString`, e.g. through a wire tap),
   * closed after the test file.
   */
  open(poolSize: number, options?: Partial<RepositoryOptions>): Promise<ShopRepository>;
  /**
   * Runs `fn` and returns what the database executed meanwhile (pg_stat_statements); skips the test, with
   * the environment's reason, on a server without pg_stat_statements.
   */
  count<T>(t: TestContext, fn: () => Promise<T>): Promise<StatementCount & { result: T }>;
  /** Registers a test, or a visible skip when the implementation lists it as a known gap. */
  test(name: string, fn: (t: TestContext) => Promise<void>, timeout?: number): void;
  /** A describe block whose name prefixes the full test names that known gaps refer to. */
  group(name: string, body: () => void): void;
}

/**
 * Creates this file's own database from schema/, the repository under test, and the suite's helpers;
 * drops the database afterwards.
 */
export function useHarness(
  meta: ImplementationMeta,
  factory: RepositoryFactory,
  gaps: readonly KnownGap[],
): Harness {
  const adminUrl = inject('dalAdminUrl');
  const database = `dal_t_${meta.id.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const opened: ShopRepository[] = [];
  const used = new Set<string>();
  let counter: StatementCounter | null = null;
  let state: { url: string; pool: pg.Pool; repo: ShopRepository; oracle: Oracle } | undefined;
  const get = () => {
    if (!state) throw new Error('the harness is used before its beforeAll ran');
    return state;
  };
  const gapFor = (name: string) => gaps.find((g) => g.test === name);
  const prefix: string[] = [];

  beforeAll(async () => {
    const url = await createSchemaDatabase(adminUrl, database);
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'dal-testkit' });
    // DROP DATABASE ... WITH (FORCE) in afterAll may terminate a connection that is still closing
    pool.on('error', () => {});
    const repo = await factory({ connectionString: url, poolSize: TEST_POOL_SIZE });
    state = { url, pool, repo, oracle: new Oracle(pool) };
    counter = await StatementCounter.open(adminUrl, database);
  });

  beforeEach(async () => {
    await loadFixture(get().pool, get().url, 'base');
  });

  afterAll(async () => {
    for (const repo of opened) await repo.close().catch(() => {});
    await state?.repo.close();
    await state?.pool.end();
    await counter?.close();
    await dropDatabase(adminUrl, database);
    const unused = gaps.filter((g) => !used.has(g.test));
    if (unused.length) {
      throw new Error(`known-gaps.ts names tests that do not exist: ${unused.map((g) => g.test).join(', ')}`);
    }
  });

  const harness: Harness = {
    meta,
    get repo() {
      return get().repo;
    },
    get oracle() {
      return get().oracle;
    },
    get url() {
      return get().url;
    },
    get pool() {
      return get().pool;
    },
    database,
    load: (fixture) => loadFixture(get().pool, get().url, fixture),
    async open(poolSize, options = {}) {
      const repo = await factory({ connectionString: get().url, poolSize, ...options });
      opened.push(repo);
      return repo;
    },
    async count(t, fn) {
      if (!counter) t.skip(ENVIRONMENT_GAPS.statementCounts);
      return counter!.measure(fn);
    },
    test(name, fn, timeout) {
      const full = [...prefix, name].join(' > ');
      used.add(full);
      const gap = gapFor(full);
      if (gap) it.skip(`${name} [known gap: ${gap.reason}]`, () => {});
      else it(name, (t) => fn(t), timeout);
    },
    group(name, body) {
      describe(name, () => {
        prefix.push(name);
        try {
          body();
        } finally {
          prefix.pop();
        }
      });
    },
  };
  return harness;
}
