import pg from 'pg';

/** Transaction control is not counted: BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK, SET TRANSACTION. */
const TRANSACTION_CONTROL = String.raw`^\s*(begin|start\s+transaction|commit|end|rollback|set\s+transaction)\y`;
/** The same in JavaScript's dialect (\b for PostgreSQL's word boundary \y). */
const TRANSACTION_CONTROL_JS = new RegExp(TRANSACTION_CONTROL.replace(String.raw`\y`, String.raw`\b`), 'i');

export interface StatementStat {
  query: string;
  calls: number;
  rows: number;
}

export interface StatementCount {
  /** Statements executed in the database, transaction control excluded. */
  statements: number;
  /** Rows those statements returned or affected. */
  rows: number;
  /** The distinct (normalised) statements, most called first. */
  queries: StatementStat[];
}

/** Any 64-bit key that no other code of the project takes as an advisory lock. */
const EXTENSION_LOCK = 0x64616c5f707373n; // "dal_pss"

/**
 * CREATE EXTENSION IF NOT EXISTS is not safe against itself: two sessions that both find the extension
 * missing both insert it, and one fails with a unique violation on pg_extension_name_index (two test files
 * opening their counters at the same moment did). A transaction-scoped advisory lock makes them take turns.
 */
async function createExtensionOnce(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [EXTENSION_LOCK.toString()]);
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Counts what one database executed, as the server saw it (pg_stat_statements), not as a library logged it.
 * Reads and resets the statistics of that database only, from a connection to another database, so its own
 * queries are never counted. Operations on the measured database must not overlap a measurement.
 */
export class StatementCounter {
  private constructor(
    private readonly client: pg.Client,
    private readonly dbid: number,
    /** The role whose statements are counted; 0: every role's. */
    private readonly userid: number,
  ) {}

  /**
   * A counter for `database`, connected through `adminUrl` (a database on the same server); null when the
   * server has no pg_stat_statements in shared_preload_libraries. With `role`, only that role's statements
   * are counted, so other sessions on the same database (a harness, a user's own tools) are not.
   */
  static async open(adminUrl: string, database: string, role?: string): Promise<StatementCounter | null> {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ preloaded: boolean }>(
        "SELECT 'pg_stat_statements' = ANY(string_to_array(current_setting('shared_preload_libraries'), ', ')) AS preloaded",
      );
      if (!rows[0]?.preloaded) {
        await client.end();
        return null;
      }
      await createExtensionOnce(client);
      const db = await client.query<{ oid: number }>(
        'SELECT oid::int AS oid FROM pg_database WHERE datname = $1',
        [database],
      );
      if (!db.rows[0]) throw new Error(`no database ${database}`);
      let userid = 0;
      if (role !== undefined) {
        const found = await client.query<{ oid: number }>(
          'SELECT oid::int AS oid FROM pg_roles WHERE rolname = $1',
          [role],
        );
        if (!found.rows[0]) throw new Error(`no role ${role}`);
        userid = found.rows[0].oid;
      }
      return new StatementCounter(client, db.rows[0].oid, userid);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
  }

  async reset(): Promise<void> {
    await this.client.query('SELECT pg_stat_statements_reset($1::oid, $2::oid, 0)', [this.userid, this.dbid]);
  }

  async read(): Promise<StatementCount> {
    const { rows } = await this.client.query<{ query: string; calls: string; rows: string }>(
      `SELECT query, calls, rows FROM pg_stat_statements
        WHERE dbid = $1 AND ($3::oid = 0 OR userid = $3::oid) AND query !~* $2 ORDER BY calls DESC, query`,
      [this.dbid, TRANSACTION_CONTROL, this.userid],
    );
    const queries = rows.map((r) => ({ query: r.query, calls: Number(r.calls), rows: Number(r.rows) }));
    return {
      statements: queries.reduce((n, q) => n + q.calls, 0),
      rows: queries.reduce((n, q) => n + q.rows, 0),
      queries,
    };
  }

  /** Statement texts by queryid, for `executed`: the texts are read only for queryids not seen before. */
  private readonly texts = new Map<string, string>();

  /**
   * Statements executed since the last reset, as `read().statements` counts them (transaction control left
   * out). Reads the counters without their texts: with texts,
   * pg_stat_statements reads its whole text file on every call (15 ms per read at the end of a default run,
   * twice per timed round), so texts are fetched only for statements not seen before.
   */
  async executed(): Promise<number> {
    const { rows } = await this.client.query<{ id: string; calls: string }>(
      `SELECT queryid::text AS id, calls FROM pg_stat_statements(false)
        WHERE dbid = $1 AND ($2::oid = 0 OR userid = $2::oid)`,
      [this.dbid, this.userid],
    );
    const unseen = rows.filter((r) => !this.texts.has(r.id)).map((r) => r.id);
    if (unseen.length > 0) {
      const found = await this.client.query<{ id: string; query: string }>(
        'SELECT queryid::text AS id, query FROM pg_stat_statements WHERE queryid::text = ANY($1)',
        [unseen],
      );
      for (const r of found.rows) this.texts.set(r.id, r.query);
    }
    return rows.reduce((n, r) => {
      const text = this.texts.get(r.id) ?? '';
      return TRANSACTION_CONTROL_JS.test(text) ? n : n + Number(r.calls);
    }, 0);
  }

  /** Resets, runs `fn`, and returns its result with what the database executed meanwhile. */
  async measure<T>(fn: () => Promise<T>): Promise<StatementCount & { result: T }> {
    await this.reset();
    const result = await fn();
    return { ...(await this.read()), result };
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
