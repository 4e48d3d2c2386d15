import pg from 'pg';

export interface LiveColumn {
  table: string;
  column: string;
  /** information_schema data type, e.g. "integer", "bigint", "text", "timestamp with time zone". */
  type: string;
  nullable: boolean;
}

export const SCHEMA_TABLES = [
  'customers',
  'products',
  'orders',
  'order_items',
  'accounts',
  'transfers',
] as const;

/** The columns of the schema's tables as the live database has them, sorted by table and column. */
export async function liveColumns(connectionString: string): Promise<LiveColumn[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = ANY($1) ORDER BY table_name, column_name`,
      [SCHEMA_TABLES],
    );
    return rows.map((r) => ({
      table: r.table_name,
      column: r.column_name,
      type: r.data_type,
      nullable: r.is_nullable === 'YES',
    }));
  } finally {
    await client.end();
  }
}
