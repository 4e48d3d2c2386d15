import { describe, expect, test } from 'vitest';
import {
  ConflictError,
  checkCredit,
  exactCents,
  NotFoundError,
  retryTransaction,
  translateError,
  UnavailableError,
  ValidationError,
} from '../src/index';

const pgError = (code: string, extra: object = {}) =>
  Object.assign(new Error(`pg ${code}`), { code, severity: 'ERROR', ...extra });
const prismaError = (code: string, meta: object = {}) =>
  Object.assign(new Error(`prisma ${code}`), {
    name: 'PrismaClientKnownRequestError',
    code,
    clientVersion: '7',
    meta,
  });

describe('translateError', () => {
  test('a DalError is returned as it is', () => {
    const error = new NotFoundError('product', 1);
    expect(translateError(error)).toBe(error);
  });

  test('constraint violations keep their contract errors, also inside wrappers', () => {
    const unique = pgError('23505', { constraint: 'customers_email_live_key' });
    expect(translateError({ message: 'typeorm', driverError: unique })).toBeInstanceOf(ConflictError);
  });

  test.each([
    ['57P01 terminated by pg_terminate_backend', pgError('57P01')],
    ['57014 statement timeout', pgError('57014')],
    ['08006 connection failure', pgError('08006')],
    ['53300 too many connections', pgError('53300')],
    ['40001 after the retries', pgError('40001')],
    ['40P01 after the retries, wrapped', new Error('knex', { cause: pgError('40P01') })],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    [
      'Knex acquire timeout',
      Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' }),
    ],
    ['Prisma P2024 pool timeout', prismaError('P2024')],
    ['Prisma P2034 write conflict', prismaError('P2034')],
    [
      'Prisma adapter ConnectionClosed',
      prismaError('P2010', { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } }),
    ],
  ])('%s -> UnavailableError, retryable', (_, error) => {
    const translated = translateError(error);
    expect(translated).toBeInstanceOf(UnavailableError);
    expect(translated).toMatchObject({ code: 'UNAVAILABLE', retryable: true, cause: error });
  });

  test.each([
    ['22021 a NUL byte in text', pgError('22021')],
    ['22003 out of range, wrapped', new Error('knex', { cause: pgError('22003') })],
    ['22P02 invalid text representation', { message: 'typeorm', driverError: pgError('22P02') }],
    [
      '22001 too long, in a Prisma adapter error',
      prismaError('P2010', { driverAdapterError: { cause: { originalCode: '22001' } } }),
    ],
  ])('data exception %s -> ValidationError', (_, error) => {
    const translated = translateError(error);
    expect(translated).toBeInstanceOf(ValidationError);
    expect(translated).toMatchObject({ code: 'VALIDATION', retryable: false, cause: error });
  });

  test("Prisma's stable codes are the fallback when the SQLSTATE is not there", () => {
    expect(translateError(prismaError('P2002'))).toBeInstanceOf(ConflictError);
    expect(
      translateError(prismaError('P2003', { field_name: 'order_items_order_id_fkey (index)' })),
    ).toMatchObject({
      code: 'NOT_FOUND',
      entity: 'order',
    });
    expect(translateError(prismaError('P2025', { modelName: 'Product' }))).toBeInstanceOf(NotFoundError);
    const adapter = prismaError('P2002', {
      driverAdapterError: {
        cause: { originalCode: '23505', constraint: { index: 'customers_email_live_key' } },
      },
    });
    expect(translateError(adapter)).toMatchObject({
      code: 'CONFLICT',
      message: 'a live customer already has this email',
    });
  });

  test('anything else is a bug and stays what it is', () => {
    const bug = new TypeError('x is undefined');
    expect(translateError(bug)).toBe(bug);
    const syntax = pgError('42601');
    expect(translateError(syntax)).toBe(syntax);
  });

  test('exhausted serialization retries end as UNAVAILABLE', async () => {
    const attempt = () => retryTransaction(async () => Promise.reject(pgError('40001')), { attempts: 2 });
    await expect(attempt().catch((e) => Promise.reject(translateError(e)))).rejects.toBeInstanceOf(
      UnavailableError,
    );
  });
});

describe('exact money', () => {
  test('bigint text within 2^53 is a number; beyond it is ValidationError', () => {
    expect(exactCents('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => exactCents('9007199254740993', 'balance')).toThrow(ValidationError);
    expect(() => exactCents(2 ** 53)).toThrow(ValidationError);
  });

  test('a credit past 2^53 is refused', () => {
    expect(() => checkCredit(1, Number.MAX_SAFE_INTEGER - 1, 1)).not.toThrow();
    expect(() => checkCredit(1, Number.MAX_SAFE_INTEGER - 1, 2)).toThrow(ValidationError);
  });
});
