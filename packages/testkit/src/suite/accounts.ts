import { IdempotencyConflictError, InsufficientFundsError, NotFoundError, ValidationError } from '@dal/core';
import { expect } from 'vitest';
import { expectDalError } from '../expect-error';
import { BASE } from '../fixtures';
import type { Harness } from '../harness';

const { alice, bob, dave, eve } = BASE.accounts;

export function accountTests(h: Harness) {
  h.group('accounts', () => {
    h.test('getAccount returns bigint balances as exact numbers; NotFoundError when missing', async () => {
      expect(await h.repo.getAccount(eve.id)).toEqual({ ...eve, version: 1 });
      expect(typeof (await h.repo.getAccount(alice.id)).balanceCents).toBe('number');
      await expectDalError(h.repo.getAccount(999_999), NotFoundError);
    });

    h.test('transfer moves money atomically and returns the transfer', async () => {
      const t = await h.repo.transfer({
        fromAccountId: alice.id,
        toAccountId: bob.id,
        amountCents: 2_500,
        idempotencyKey: 'k-1',
      });
      expect(t).toEqual({
        id: expect.any(Number),
        fromAccountId: alice.id,
        toAccountId: bob.id,
        amountCents: 2_500,
        idempotencyKey: 'k-1',
        createdAt: expect.any(Date),
      });
      expect((await h.repo.getAccount(alice.id)).balanceCents).toBe(alice.balanceCents - 2_500);
      expect((await h.repo.getAccount(bob.id)).balanceCents).toBe(bob.balanceCents + 2_500);
    });

    h.test("a transfer of the sender's whole balance succeeds and leaves exactly 0", async () => {
      await h.repo.transfer({
        fromAccountId: alice.id,
        toAccountId: dave.id,
        amountCents: alice.balanceCents,
        idempotencyKey: 'all-of-it',
      });
      expect((await h.repo.getAccount(alice.id)).balanceCents).toBe(0);
      expect((await h.repo.getAccount(dave.id)).balanceCents).toBe(dave.balanceCents + alice.balanceCents);
    });

    h.test('a balance or credit beyond 2^53 cents is ValidationError, never a rounded number', async () => {
      await h.pool.query('UPDATE accounts SET balance_cents = $1 WHERE id = $2', [
        '9007199254740993',
        dave.id,
      ]);
      await expectDalError(h.repo.getAccount(dave.id), ValidationError);
      await h.pool.query('UPDATE accounts SET balance_cents = $1 WHERE id = $2', [
        String(Number.MAX_SAFE_INTEGER - 10),
        dave.id,
      ]);
      const before = await h.oracle.snapshot();
      await expectDalError(
        h.repo.transfer({
          fromAccountId: alice.id,
          toAccountId: dave.id,
          amountCents: 11,
          idempotencyKey: 'over',
        }),
        ValidationError,
      );
      expect(await h.oracle.snapshot()).toBe(before);
      expect((await h.repo.getAccount(dave.id)).balanceCents).toBe(Number.MAX_SAFE_INTEGER - 10);
    });

    h.test('amounts beyond 32 bits move exactly', async () => {
      await h.repo.transfer({
        fromAccountId: eve.id,
        toAccountId: dave.id,
        amountCents: 4_294_967_296,
        idempotencyKey: 'big',
      });
      expect((await h.repo.getAccount(dave.id)).balanceCents).toBe(4_294_967_296);
      expect((await h.repo.getAccount(eve.id)).balanceCents).toBe(eve.balanceCents - 4_294_967_296);
    });

    h.test('InsufficientFundsError moves nothing and records nothing', async () => {
      const before = await h.oracle.snapshot();
      const error = await expectDalError(
        h.repo.transfer({
          fromAccountId: dave.id,
          toAccountId: alice.id,
          amountCents: 1,
          idempotencyKey: 'poor',
        }),
        InsufficientFundsError,
      );
      expect(error.code).toBe('INSUFFICIENT_FUNDS');
      await expectDalError(
        h.repo.transfer({
          fromAccountId: bob.id,
          toAccountId: alice.id,
          amountCents: bob.balanceCents + 1,
          idempotencyKey: 'poor-2',
        }),
        InsufficientFundsError,
      );
      expect(await h.oracle.snapshot()).toBe(before);
      // the key was not consumed by the failed attempt
      await h.repo.transfer({
        fromAccountId: bob.id,
        toAccountId: alice.id,
        amountCents: 1,
        idempotencyKey: 'poor-2',
      });
    });

    h.test('bad transfers are ValidationError or NotFoundError and change nothing', async () => {
      const before = await h.oracle.snapshot();
      const base = { fromAccountId: alice.id, toAccountId: bob.id, idempotencyKey: 'v' };
      await expectDalError(h.repo.transfer({ ...base, amountCents: 0 }), ValidationError);
      await expectDalError(h.repo.transfer({ ...base, amountCents: -5 }), ValidationError);
      await expectDalError(h.repo.transfer({ ...base, amountCents: 1.5 }), ValidationError);
      await expectDalError(
        h.repo.transfer({ ...base, toAccountId: alice.id, amountCents: 5 }),
        ValidationError,
      );
      await expectDalError(h.repo.transfer({ ...base, idempotencyKey: '', amountCents: 5 }), ValidationError);
      await expectDalError(h.repo.transfer({ ...base, toAccountId: 999_999, amountCents: 5 }), NotFoundError);
      await expectDalError(
        h.repo.transfer({ ...base, fromAccountId: 999_999, amountCents: 5 }),
        NotFoundError,
      );
      expect(await h.oracle.snapshot()).toBe(before);
    });

    h.test(
      'replaying an idempotency key with the same parameters returns the original and moves nothing',
      async () => {
        const request = {
          fromAccountId: alice.id,
          toAccountId: bob.id,
          amountCents: 700,
          idempotencyKey: "key 'é'; --",
        };
        const first = await h.repo.transfer(request);
        const again = await h.repo.transfer(request);
        expect(again).toEqual(first);
        expect((await h.repo.getAccount(alice.id)).balanceCents).toBe(alice.balanceCents - 700);
        expect(await h.oracle.count('transfers')).toBe(1);
      },
    );

    h.test('the same key with other parameters is IdempotencyConflictError', async () => {
      await h.repo.transfer({
        fromAccountId: alice.id,
        toAccountId: bob.id,
        amountCents: 100,
        idempotencyKey: 'k',
      });
      const before = await h.oracle.snapshot();
      for (const other of [
        { fromAccountId: alice.id, toAccountId: bob.id, amountCents: 101 },
        { fromAccountId: bob.id, toAccountId: alice.id, amountCents: 100 },
        { fromAccountId: alice.id, toAccountId: eve.id, amountCents: 100 },
      ]) {
        await expectDalError(h.repo.transfer({ ...other, idempotencyKey: 'k' }), IdempotencyConflictError);
      }
      expect(await h.oracle.snapshot()).toBe(before);
    });

    h.test('50 concurrent duplicates of one transfer create exactly one', async () => {
      const request = {
        fromAccountId: alice.id,
        toAccountId: bob.id,
        amountCents: 1_000,
        idempotencyKey: 'dup',
      };
      const results = await Promise.all(Array.from({ length: 50 }, () => h.repo.transfer(request)));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      for (const r of results) expect(r).toEqual(results[0]);
      expect(await h.oracle.count('transfers')).toBe(1);
      expect((await h.repo.getAccount(alice.id)).balanceCents).toBe(alice.balanceCents - 1_000);
      expect((await h.repo.getAccount(bob.id)).balanceCents).toBe(bob.balanceCents + 1_000);
    });

    h.test(
      '200 concurrent transfers in both directions keep the sum, never go negative, never deadlock',
      async () => {
        const sum = await h.oracle.balanceSum();
        const ids = [alice.id, bob.id, dave.id];
        const results = await Promise.allSettled(
          Array.from({ length: 200 }, (_, i) => {
            const from = ids[i % 3]!;
            const to = ids[(i + 1 + (i % 2)) % 3]!;
            return h.repo.transfer({
              fromAccountId: from,
              toAccountId: to,
              amountCents: 1 + ((i * 7919) % 20_000),
              idempotencyKey: `c-${i}`,
            });
          }),
        );
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        for (const f of failures) expect(f.reason).toBeInstanceOf(InsufficientFundsError);
        const succeeded = results.length - failures.length;
        expect(succeeded).toBeGreaterThan(100);
        expect(await h.oracle.balanceSum()).toBe(sum);
        for (const id of ids) expect((await h.oracle.account(id))!.balanceCents).toBeGreaterThanOrEqual(0);
        expect(await h.oracle.count('transfers')).toBe(succeeded);
      },
      120_000,
    );
  });
}
