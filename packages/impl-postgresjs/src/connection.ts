import { exactCents, type RepositoryOptions } from '@dal/core';
import postgres from 'postgres';

/** PostgreSQL type oids the code names: postgres.js takes a bare oid where it cannot infer a type. */
export const OID = { int4: 23, text: 25, int8: 20 } as const;

/**
 * int8 (bigint columns, count(*)) as a JavaScript number. postgres.js returns int8 as a string unless a type
 * says otherwise (its own `postgres.BigInt` gives a BigInt); the contract wants numbers, and every amount it
 * accepts is a safe integer, so a value beyond 2^53 - 1 fails the query (core's exactCents: ValidationError)
 * rather than coming back rounded.
 */
const int8: postgres.PostgresType<number> = {
  to: OID.int8,
  from: [OID.int8],
  serialize: (value: number) => String(value),
  parse: (text: string) => exactCents(text, 'int8 value'),
};

/**
 * postgres.js' own pool of `poolSize` connections (it does not use node-postgres). `prepare` is its
 * statement mode: true (its default) names every statement and parses it once per connection, false sends
 * unnamed statements. The column transform turns result columns into camelCase and the camelCase keys given
 * to the `sql(rows, ...columns)` helper into snake_case column names.
 */
export function connect(options: RepositoryOptions) {
  return postgres(options.connectionString, {
    max: options.poolSize,
    prepare: options.preparedStatements ?? false,
    types: { int8 },
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
  });
}

export type Sql = ReturnType<typeof connect>;
type Types = Sql extends postgres.Sql<infer T> ? T : never;
export type TransactionSql = postgres.TransactionSql<Types>;
/** The pool or a transaction: what a statement can be sent through. */
export type Queryable = postgres.ISql<Types>;
