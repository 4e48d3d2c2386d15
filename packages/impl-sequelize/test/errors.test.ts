import { ConflictError, NotFoundError, pgErrorOf, UnavailableError } from '@dal/core';
import { useSchemaDatabase } from '@dal/testkit';
import { ForeignKeyConstraintError, UniqueConstraintError } from 'sequelize';
import { expect, test, vi } from 'vitest';
import { driverErrorOf, translate, translatingErrors } from '../src/errors';
import { SequelizeShopRepository } from '../src/repository';
import { createSequelize } from '../src/sequelize';

const db = useSchemaDatabase('sequelize_errors');

test('Sequelize keeps the pg error in `original`, where core does not look; translate finds it there', async () => {
  const { sequelize, models } = createSequelize({ connectionString: db.url, poolSize: 1 });
  try {
    await models.Customer.create({ email: 'a@example.com', name: 'A' });
    const unique = await models.Customer.create({ email: 'A@EXAMPLE.com', name: 'B' }).catch((e) => e);
    expect(unique).toBeInstanceOf(UniqueConstraintError);
    expect(pgErrorOf(unique)).toBeUndefined();
    expect(pgErrorOf(driverErrorOf(unique))).toMatchObject({
      code: '23505',
      constraint: 'customers_email_live_key',
    });
    expect(translate(unique)).toBeInstanceOf(ConflictError);

    const foreignKey = await models.Order.create({
      customerId: 999,
      status: 'pending',
      totalCents: 0,
      createdAt: sequelize.fn('now') as unknown as Date,
    }).catch((e) => e);
    expect(foreignKey).toBeInstanceOf(ForeignKeyConstraintError);
    expect(translate(foreignKey)).toMatchObject({ code: 'NOT_FOUND', entity: 'customer', id: 999 });
    expect(translate(foreignKey)).toBeInstanceOf(NotFoundError);

    // anything the contract does not name (here a bug: a missing column) is left as it is
    const bug = await sequelize.query('SELECT no_such_column FROM customers').catch((e) => e);
    expect(translate(bug)).toBe(bug);
  } finally {
    await sequelize.close();
  }
});

test('no pooled connection within acquireTimeoutMs is UnavailableError, not ConnectionAcquireTimeoutError', async () => {
  const { sequelize, models } = createSequelize({
    connectionString: db.url,
    poolSize: 1,
    acquireTimeoutMs: 200,
  });
  const repo = translatingErrors(new SequelizeShopRepository(sequelize, models));
  let release: (() => void) | undefined;
  // a transaction holds the only connection until released
  const held = sequelize.transaction(() => new Promise<void>((resolve) => (release = resolve)));
  try {
    await vi.waitFor(() => expect(release).toBeDefined());
    const error = await repo.getProduct(1).catch((e) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.retryable).toBe(true);
    expect((error.cause as Error).name).toBe('SequelizeConnectionAcquireTimeoutError');
  } finally {
    release?.();
    await held;
    await sequelize.close();
  }
});

test('an unreachable server is UnavailableError', async () => {
  const { sequelize, models } = createSequelize({
    connectionString: 'postgres://postgres:x@127.0.0.1:1/none',
    poolSize: 1,
  });
  const repo = translatingErrors(new SequelizeShopRepository(sequelize, models));
  try {
    await expect(repo.getProduct(1)).rejects.toBeInstanceOf(UnavailableError);
  } finally {
    await sequelize.close();
  }
});
