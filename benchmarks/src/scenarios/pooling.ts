import { isDeepStrictEqual } from 'node:util';
import type { Product, ShopRepository } from '@dal/core';
import pg from 'pg';
import { BenchmarkError } from '../errors';
import {
  closeCounting,
  offersStatementMode,
  openRepository,
  openWarmRepository,
  STATEMENT_MODES,
} from '../implementations';
import { findPgbench, PGBENCH_ID, PGBENCH_MODES, pgbenchTask } from '../pgbench';
import { pick, random, roundInputs } from '../random';
import { REFERENCE_ID } from '../registry';
import type { BenchCase, Scenario, TaskSpec } from '../scenario';

const CALLERS = 64;
/** Seed of each round's ids: SEED + round. */
const SEED = 0x9001;
/** The pool size of the staggered-arrival case, and the most think time a caller draws before a call (ms). */
const STAGGERED_POOL = 8;
const THINK_MS = 2;

/**
 * Waits `ms` on a timer of its own. Each caller's call then starts in a timer callback of its own, after
 * which Node runs the nextTick and microtask queues: a library that merges the calls of one tick (Prisma's
 * findUnique batching, process.nextTick) gets one call per tick. Node's timers count whole milliseconds, so
 * a draw of 0–2 ms waits about 1–3 ms.
 */
const think = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** getProduct as raw pg does it, on a connection opened and closed for this one operation. */
async function connectPerOperation(url: string, id: number): Promise<Product> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT id, sku, name, price_cents, stock, version, updated_at FROM products WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return {
      id: r.id,
      sku: r.sku,
      name: r.name,
      priceCents: r.price_cents,
      stock: r.stock,
      version: r.version,
      updatedAt: r.updated_at,
    };
  } finally {
    await client.end();
  }
}

export const pooling: Scenario = {
  id: 'pooling',
  title: `getProduct under a closed loop of ${CALLERS} concurrent callers, by pool size`,
  measures:
    "Throughput and latency when 64 callers share a pool of 1 to 32 connections, with unnamed statements (every library's default) and named prepared statements where the library has them, against opening a new connection for every operation.",
  columns: ['pool', 'statements', 'callers', 'arrivals'],
  writes: false,
  ownRepositories: true,
  // every implementation's pool of a case is opened once, warmed, and held over the case's rounds: reopened
  // every round, pools made 14,700 connections per run at about 20 ms each here (6 of pooling's 10.5 minutes)
  caseByCase: true,
  // a closed loop over a freshly opened pool varies most from round to round (±25% seen at 500 ms): its
  // rounds are longer, the median over rounds does the rest
  roundTimeFactor: 1.5,
  async cases(ctx) {
    const { db, profile, freeConnections, implementations } = ctx;
    // every implementation's pool of `size` open at once, pgbench's clients and the harness's: else a pool is
    // opened for each round (an external server's max_connections of 100)
    const holds = (size: number) => freeConnections >= (implementations + 1) * size + 20;
    const connections = () => db.libraryConnections();
    const products = db.sizes.products;
    const pgbench = findPgbench();
    // the first ids of every timed round's sequence (the staggered case draws the same ids), and the edges
    const sample = [1, products, ...roundInputs(SEED, profile.rounds, 5, (next) => pick(next, products))];
    const cases: BenchCase[] = STATEMENT_MODES.flatMap((mode) =>
      profile.poolSizes.map(
        (size): BenchCase => ({
          id: mode === 'unnamed' ? `pool ${size}` : `pool ${size} prepared`,
          labels: { pool: size, statements: mode, callers: CALLERS, arrivals: 'together' },
          // pgbench with getProduct's statement and as many clients as the pool has connections, in the same
          // rounds: its row's × pg is raw pg ÷ pgbench, round by round (unnamed ↔ -M extended, prepared ↔ -M prepared)
          baselines: () => {
            if (!pgbench) return [];
            const bench = pgbenchTask({
              path: pgbench.path,
              url: ctx.libraryUrl,
              clients: size,
              mode: PGBENCH_MODES[mode],
              products,
            });
            const spec: TaskSpec = {
              concurrency: size,
              phase: (round, timeMs) => bench.phase(round, timeMs),
              run: () => Promise.reject(new Error('pgbench runs whole rounds only')),
              check: () => bench.phase(0, 0),
            };
            return [{ impl: PGBENCH_ID, spec }];
          },
          task: (impl): TaskSpec | null => {
            if (!offersStatementMode(impl, mode)) return null;
            let repo: ShopRepository | undefined;
            let next = random(1);
            return {
              concurrency: CALLERS,
              hold: holds(size),
              acquire: async () => {
                repo = await openWarmRepository(impl, ctx.libraryUrl, size, {
                  preparedStatements: mode === 'prepared',
                  connections,
                });
              },
              open: async (round) => {
                next = random(SEED + round);
              },
              // what the server saw closing, so a pool that does not honour its size shows
              release: async () => {
                const closed = repo ? await closeCounting(repo, connections) : 0;
                repo = undefined;
                return { 'server connections': { max: closed } };
              },
              run: () => repo!.getProduct(pick(next, products)),
              check: () => Promise.all(sample.map((id) => repo!.getProduct(id))),
            };
          },
        }),
      ),
    );
    // the closed loop lets a library merge the calls that arrive in one tick into one statement (Prisma); with
    // a seeded think time before every call, calls arrive one at a time and none can be merged
    cases.push({
      id: `pool ${STAGGERED_POOL} staggered`,
      labels: {
        pool: STAGGERED_POOL,
        statements: 'unnamed',
        callers: CALLERS,
        arrivals: `staggered (think 0–${THINK_MS} ms)`,
      },
      task: (impl): TaskSpec => {
        let repo: ShopRepository | undefined;
        let next = random(1);
        let thinkNext = random(1);
        return {
          concurrency: CALLERS,
          hold: holds(STAGGERED_POOL),
          acquire: async () => {
            repo = await openWarmRepository(impl, ctx.libraryUrl, STAGGERED_POOL, { connections });
          },
          open: async (round) => {
            next = random(SEED + round);
            thinkNext = random(0x7417 + round);
          },
          release: async () => {
            await repo?.close();
            repo = undefined;
            return undefined;
          },
          run: async () => {
            const id = pick(next, products);
            await think(thinkNext() * THINK_MS);
            return repo!.getProduct(id);
          },
          check: () => Promise.all(sample.map((id) => repo!.getProduct(id))),
        };
      },
    });
    // new connections also cost server processes: stay below what the server has free
    const callers = Math.max(1, Math.min(CALLERS, freeConnections - 5));
    cases.push({
      id: 'connect-per-op',
      labels: {
        pool: 'none (connect per operation, raw pg)',
        statements: 'unnamed',
        callers,
        arrivals: 'together',
      },
      task: (impl): TaskSpec | null => {
        if (impl.id !== REFERENCE_ID) return null;
        let next = random(1);
        return {
          concurrency: callers,
          open: async (round) => {
            next = random(SEED + round);
          },
          run: () => connectPerOperation(ctx.libraryUrl, pick(next, products)),
          check: async () => {
            const repo = await openRepository(impl, ctx.libraryUrl, 1);
            try {
              for (const id of sample) {
                const [expected, actual] = [
                  await repo.getProduct(id),
                  await connectPerOperation(ctx.libraryUrl, id),
                ];
                if (!isDeepStrictEqual(actual, expected)) {
                  throw new BenchmarkError(
                    `pooling baseline: connect-per-operation read of product ${id} differs from raw pg's`,
                  );
                }
              }
              return sample;
            } finally {
              await repo.close();
            }
          },
        };
      },
    });
    return cases;
  },
};
