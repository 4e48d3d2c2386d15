import type { ShopRepository, TransferRequest } from '@dal/core';
import { BenchmarkError } from '../errors';
import { openRepository } from '../implementations';
import { pick, random, volatileDate } from '../random';
import type { Scenario, TaskSpec } from '../scenario';

const CALLERS = 16;
const HOT_ACCOUNTS = 4;

export const transferContention: Scenario = {
  id: 'transfer-contention',
  title: `transfer between ${HOT_ACCOUNTS} hot accounts, ${CALLERS} concurrent callers`,
  measures:
    'Throughput of money transfers that all contend for the same few rows (locks taken in id order), the transactions the server rolled back (retries), and whether the total balance held.',
  columns: ['hot accounts', 'callers'],
  writes: true,
  ownRepositories: true,
  async cases({ db, libraryUrl, poolSize }) {
    const before = await db.ledger();
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
          const request = (): TransferRequest => {
            const from = pick(next, HOT_ACCOUNTS);
            const to = 1 + ((from - 1 + pick(next, HOT_ACCOUNTS - 1)) % HOT_ACCOUNTS);
            return {
              fromAccountId: from,
              toAccountId: to,
              amountCents: pick(next, 100),
              idempotencyKey: `${tag}-${++serial}`,
            };
          };
          return {
            concurrency: CALLERS,
            open: async (round) => {
              counters = await db.transactionCounters();
              repo = await openRepository(impl, libraryUrl, poolSize);
              next = random(0x7a + round);
              tag = `bench-${impl.id}-${round}`;
              serial = 0;
            },
            close: async () => {
              await repo?.close();
              repo = undefined;
            },
            run: () => repo!.transfer(request()),
            check: async () => {
              const transfer = await repo!.transfer({
                fromAccountId: 1,
                toAccountId: 2,
                amountCents: 250,
                idempotencyKey: 'bench-verify',
              });
              return {
                ...transfer,
                createdAt: volatileDate(transfer.createdAt),
                replay: await repo!
                  .transfer({
                    fromAccountId: 1,
                    toAccountId: 2,
                    amountCents: 250,
                    idempotencyKey: 'bench-verify',
                  })
                  .then((t) => t.id),
                accounts: [await repo!.getAccount(1), await repo!.getAccount(2)],
              };
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
