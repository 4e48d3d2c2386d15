import { expect, test } from 'vitest';
import { retryTransaction } from '../src/index';

const pgError = (code: string) => Object.assign(new Error(code), { code, severity: 'ERROR' });

test('retries serialization failures and deadlocks, then succeeds', async () => {
  let calls = 0;
  const result = await retryTransaction(async () => {
    calls++;
    if (calls === 1) throw pgError('40001');
    if (calls === 2) throw new Error('wrapped', { cause: pgError('40P01') });
    return 'done';
  });
  expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
});

test('gives up after the last attempt and never retries other errors', async () => {
  let calls = 0;
  await expect(
    retryTransaction(
      async () => {
        calls++;
        throw pgError('40001');
      },
      { attempts: 3 },
    ),
  ).rejects.toThrow('40001');
  expect(calls).toBe(3);
  calls = 0;
  await expect(
    retryTransaction(async () => {
      calls++;
      throw pgError('23505');
    }),
  ).rejects.toThrow('23505');
  expect(calls).toBe(1);
});
