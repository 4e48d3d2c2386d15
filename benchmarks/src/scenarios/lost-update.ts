import { ADJUST_STRATEGIES, type AdjustStrategy, type ShopRepository } from '@dal/core';
import { BenchmarkError } from '../errors';
import { openRepository } from '../implementations';
import { pick, random } from '../random';
import type { Scenario, TaskSpec } from '../scenario';

const CALLERS = 16;
const HOT_PRODUCTS = 4;
/** Products 1..HOT_PRODUCTS of the seeded dataset. */
const HOT_IDS = Array.from({ length: HOT_PRODUCTS }, (_, i) => i + 1);

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

export const lostUpdate: Scenario = {
  id: 'lost-update',
  title: `adjustStock +1 on ${HOT_PRODUCTS} hot products, ${CALLERS} concurrent callers, per concurrency-control strategy`,
  measures:
    'Which concurrency-control strategy loses updates under contention (expected stock minus actual, per round), and what the safe ones cost: throughput, attempts per success (retries), transactions the server rolled back.',
  columns: ['strategy', 'hot products', 'callers'],
  writes: true,
  ownRepositories: true,
  async cases(ctx) {
    const { db, poolSize } = ctx;
    return ADJUST_STRATEGIES.map((strategy: AdjustStrategy) => ({
      id: strategy,
      labels: { strategy, 'hot products': HOT_PRODUCTS, callers: CALLERS },
      task: (impl): TaskSpec => {
        // a retried transaction or compare-and-set sends its statements again, and a library may merge reads
        // of concurrent callers into one statement (Prisma's findUnique batching): both depend on contention
        const vary = {
          statementsVary:
            strategy === 'atomic' || strategy === 'pessimistic'
              ? 'concurrent callers: a library may merge concurrent reads into one statement'
              : 'a retry sends the read and the update again, and a library may merge concurrent reads; both depend on contention',
        };
        let repo: ShopRepository | undefined;
        let next = random(1);
        let counters = { rollbacks: 0, deadlocks: 0 };
        let initial: number[] = [];
        let succeeded = 0;
        let attempts = 0;
        // over the timed rounds (round > 0), for attempts per success
        let currentRound = 0;
        const total = { succeeded: 0, attempts: 0 };
        const adjust = async () => {
          const result = await repo!.adjustStock({ productId: pick(next, HOT_PRODUCTS), delta: 1 }, strategy);
          succeeded++;
          attempts += result.attempts;
          return result;
        };
        return {
          ...vary,
          concurrency: CALLERS,
          open: async (round) => {
            counters = await db.transactionCounters();
            initial = await db.stocks(HOT_IDS);
            succeeded = 0;
            attempts = 0;
            currentRound = round;
            // the URL of this phase: the count phase's goes through the SQL tap, so the SQL listed is what was sent
            repo = await openRepository(impl, ctx.libraryUrl, poolSize);
            // every pooled connection opened (and any per-connection setup a library sends, e.g. Knex's
            // select version()) before the timing starts: the timed statements are the counted ones
            const warm = repo;
            await Promise.all(Array.from({ length: CALLERS }, () => warm.getProduct(HOT_IDS[0]!)));
            next = random(0x57 + round);
          },
          close: async () => {
            await repo?.close();
            repo = undefined;
          },
          run: adjust,
          // CALLERS concurrent +1 calls on product 1: the safe strategies end exactly CALLERS higher, each call
          // seeing its own +1; read-modify-write may lose some (that is the lesson), so only its bounds count
          check: async () => {
            const [before] = await db.stocks([1]);
            const results = await Promise.all(
              Array.from({ length: CALLERS }, () => repo!.adjustStock({ productId: 1, delta: 1 }, strategy)),
            );
            const [after] = await db.stocks([1]);
            const gained = after! - before!;
            if (strategy === 'read-modify-write') {
              return { calls: results.length, stockRose: gained >= 1 && gained <= CALLERS };
            }
            return {
              gained,
              seen: results.map((r) => r.stock - before!).sort((a, b) => a - b),
            };
          },
          afterRun: async () => {
            const final = await db.stocks(HOT_IDS);
            const now = await db.transactionCounters();
            const lost = succeeded - (sum(final) - sum(initial));
            if (lost !== 0 && strategy !== 'read-modify-write') {
              throw new BenchmarkError(
                `lost-update: ${impl.id} ${strategy} lost ${lost} of ${succeeded} updates; a safe strategy must lose none`,
              );
            }
            if (currentRound > 0) {
              total.succeeded += succeeded;
              total.attempts += attempts;
            }
            return {
              'updates lost': { sum: lost },
              'updates done': { sum: succeeded },
              'attempts/success': total.succeeded ? (total.attempts / total.succeeded).toFixed(2) : '—',
              rollbacks: { sum: now.rollbacks - counters.rollbacks },
            };
          },
        };
      },
    }));
  },
};
