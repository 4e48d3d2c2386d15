import { readFileSync } from 'node:fs';
import { type LiveColumn, liveColumns, useSchemaDatabase } from '@dal/testkit';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Prisma, PrismaClient } from '../generated/prisma/client';

const db = useSchemaDatabase('prisma_model');

// Prisma 7's `prisma-client` generator no longer exports Prisma.dmmf. What the generated client keeps at run
// time is its runtime data model: models and scalar fields with their database names and Prisma types, but
// neither nullability nor native types.
interface RuntimeDataModel {
  models: Record<
    string,
    {
      dbName: string | null;
      fields: Array<{ name: string; kind: string; type: string; dbName?: string | null }>;
    }
  >;
}

/** Prisma scalar -> information_schema data type; DateTime is timestamptz only by @db.Timestamptz (see below). */
const POSTGRES_TYPE: Record<string, string> = {
  Int: 'integer',
  BigInt: 'bigint',
  String: 'text',
  DateTime: 'timestamp with time zone',
};

let prisma: PrismaClient;

beforeAll(() => {
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url, max: 1 }) });
});

afterAll(async () => {
  await prisma?.$disconnect();
});

/** The client's own view of nullability: a null filter on a required field fails validation, before any SQL. */
async function isNullable(model: string, field: string): Promise<boolean> {
  const delegates = prisma as unknown as Record<string, { count(args: unknown): Promise<number> }>;
  const delegate = delegates[model.charAt(0).toLowerCase() + model.slice(1)]!;
  try {
    await delegate.count({ where: { [field]: null } });
    return true;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientValidationError) return false;
    throw error;
  }
}

test('the generated client models every live column with its type and nullability', async () => {
  const { models } = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
  const modelled: LiveColumn[] = [];
  for (const [name, model] of Object.entries(models)) {
    for (const field of model.fields.filter((f) => f.kind === 'scalar')) {
      modelled.push({
        table: model.dbName ?? name,
        column: field.dbName ?? field.name,
        type: POSTGRES_TYPE[field.type] ?? `unmapped Prisma type ${field.type}`,
        nullable: await isNullable(name, field.name),
      });
    }
  }
  const key = (c: LiveColumn) => `${c.table}.${c.column}`;
  modelled.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  expect(modelled).toEqual(await liveColumns(db.url));
  expect(modelled).toHaveLength(32);
});

// the runtime model says DateTime, whatever the native type: without @db.Timestamptz(6) Prisma's default is
// timestamp(3) without time zone, which the live check above could not tell apart
test('every DateTime of the Prisma schema is @db.Timestamptz(6)', () => {
  const schema = readFileSync(new URL('../prisma/schema.prisma', import.meta.url), 'utf8');
  const dateTimes = schema.split('\n').filter((line) => /^\s+\w+\s+DateTime\??\s/.test(line));
  expect(dateTimes).toHaveLength(5);
  for (const line of dateTimes) expect(line).toMatch(/@db\.Timestamptz\(6\)/);
});
