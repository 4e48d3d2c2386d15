import type { ShopRepository, TransferRequest } from '@dal/core';
import { BenchmarkError } from '../errors';
import { openRepository } from '../implementations';
import { pick, random, roundInputs, volatileDate } from '../random';
import type { Scenario, TaskSpec } from '../scenario';

const CALLERS = 16;
const HOT_ACCOUNTS = 4;
/** Seed of each round's transfers: SEED + round. */
const SEED = 0x7a;

/** A transfer between two distinct hot accounts, in either direction. */
function draw(next: () => number): Omit<TransferRequest, 'idempotencyKey'> {
  const from = pick(next, HOT_ACCOUNTS);
  const to = 1 + ((from - 1 + pick(next, HOT_ACCOUNTS - 1)) % HOT_ACCOUNTS);
  return { fromAccountId: from, toAccountId: to, amountCents: pick(next, 100) };
}

export const transferContention: Scenario = {
  id: 'transfer-contention',
  title: `transfer between ${HOT_ACCOUNTS} hot accounts, ${CALLERS} concurrent callers`,
  measures:
    'Throughput of money transfers that all contend for the same few rows (locks taken in id order), the transactions the server rolled back (retries), and whether the total balance held.',
  columns: ['hot accounts', 'callers'],
  writes: true,
  ownRepositories: true,
  async cases(ctx) {
    const { db, poolSize, profile } = ctx;
    const before = await db.ledger();
    // verified: the first transfers of every timed round's sequence, which go both ways between the accounts
    const verified = roundInputs(SEED, profile.rounds, 3, draw);
    if (
      !verified.some((t) => t.fromAccountId < t.toAccountId) ||
      !verified.some((t) => t.fromAccountId > t.toAccountId)
    )
      throw new BenchmarkError('transfer-contention: the verified inputs do not cover both directions');
    return [
      {
        id: 'transfer',
        labels: { 'hot accounts': HOT_ACCOUNTS, callers: CALLERS },
        task: (impl): TaskSpec => {
          let repo: ShopRepository | undefined;
          let next = random(1);
          let serial = 0;
          let tag = '';
          let counters = { rollbacks: 0, deadlocks: 0 };
          const request = (): TransferRequest => ({ ...draw(next), idempotencyKey: `${tag}-${++serial}` });
          return {
            concurrency: CALLERS,
            open: async (round) => {
              counters = await db.transactionCounters();
              repo = await openRepository(impl, ctx.libraryUrl, poolSize);
              next = random(SEED + round);
              tag = `bench-${impl.id}-${round}`;
              serial = 0;
            },
            close: async () => {
              await repo?.close();
              repo = undefined;
            },
            run: () => repo!.transfer(request()),
            // retries under contention add statements that the count phase may not have met
            statementsVary: 'retries of transactions the server rolled back under contention',
            check: async () => {
              const out: unknown[] = [];
              for (const [i, input] of verified.entries()) {
                const request = { ...input, idempotencyKey: `bench-verify-${i}` };
                const transfer = await repo!.transfer(request);
                out.push({
                  ...transfer,
                  createdAt: volatileDate(transfer.createdAt),
                  replay: await repo!.transfer(request).then((t) => t.id),
                });
              }
              const accounts = [];
              for (let id = 1; id <= HOT_ACCOUNTS; id++) accounts.push(await repo!.getAccount(id));
              return { transfers: out, accounts };
            },
            afterRun: async (operations) => {
              const after = await db.ledger();
              const now = await db.transactionCounters();
              const held = after.sum === before.sum && after.min >= 0 && after.transfers === operations;
              if (!held) {
                throw new BenchmarkError(
                  `transfer-contention: ${impl.id} broke the invariant: balance sum ${before.sum} -> ${after.sum}, minimum ${after.min}, ${after.transfers} transfers stored for ${operations} completed calls`,
                );
              }
              return {
                retries: { sum: now.rollbacks - counters.rollbacks },
                deadlocks: { sum: now.deadlocks - counters.deadlocks },
                invariant: 'held',
              };
            },
          };
        },
      },
    ];
  },
};
