import { frontendReader, startTcpProxy } from '@dal/db';

/** Transaction control is not listed, as the server's counts leave it out. */
const TRANSACTION_CONTROL = /^\s*(begin|start\s+transaction|commit|end|rollback|set\s+transaction)\b/i;

/** One distinct SQL text as it went over the wire. */
export interface SentStatement {
  text: string;
  /** Parse and Query messages carrying this text (a named statement is parsed once per connection). */
  sent: number;
  /** Times it was executed: Bind messages naming it, and Query messages. */
  executed: number;
  /** The parameter values of its first execution as sent in text format (null: none bound, or binary). */
  params: Array<string | null> | null;
  /** Parameter type OIDs its Parse gave (0 = left to the server); empty for a simple Query. */
  paramTypes: number[];
  /** A parameter of its first execution was sent in binary format, so its values are not known here. */
  binaryParams: boolean;
}

export interface SqlTap {
  /** The URL with host and port replaced by the tap's. */
  url: string;
  /** Starts recording afresh. */
  clear(): void;
  /** The distinct SQL texts sent since clear(), in order of first appearance. */
  distinct(): SentStatement[];
  close(): Promise<void>;
}

/**
 * A loopback proxy that lists the SQL the libraries send and the values bound to it: used in the (untimed)
 * count phase only, so what summary.md lists under each table is what went over the wire, not
 * pg_stat_statements' normalised texts (PostgreSQL 18 merges statements that differ only in a table name
 * behind the same alias), and its plans are made with the parameters actually bound (plans.ts).
 */
export async function startSqlTap(targetUrl: string): Promise<SqlTap> {
  let seen = new Map<string, SentStatement>();
  const entry = (text: string, paramTypes: number[]) => {
    let statement = seen.get(text);
    if (!statement) {
      statement = { text, sent: 0, executed: 0, params: null, paramTypes, binaryParams: false };
      seen.set(text, statement);
    }
    return statement;
  };
  const proxy = await startTcpProxy(targetUrl, (client, upstream) => {
    // per connection: the text behind each statement name ('' = the unnamed statement, replaced by each Parse)
    const statements = new Map<string, { text: string; paramTypes: number[] }>();
    client.on(
      'data',
      frontendReader(
        {
          parse({ name, text, paramTypes }) {
            statements.set(name, { text, paramTypes });
            if (!TRANSACTION_CONTROL.test(text)) entry(text, paramTypes).sent++;
          },
          bind({ statement, params, binary }) {
            const parsed = statements.get(statement);
            if (!parsed || TRANSACTION_CONTROL.test(parsed.text)) return;
            const sent = entry(parsed.text, parsed.paramTypes);
            if (sent.executed++ === 0) {
              sent.params = params;
              sent.binaryParams = binary;
            }
          },
          query(text) {
            if (TRANSACTION_CONTROL.test(text)) return;
            const sent = entry(text, []);
            sent.sent++;
            sent.executed++;
          },
        },
        // the SQL list and plans of this connection stop there; the run goes on (the proxy passes bytes as they are)
        (error) => process.emitWarning(`SQL tap: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    url: proxy.url,
    clear: () => {
      seen = new Map();
    },
    distinct: () => [...seen.values()],
    close: proxy.close,
  };
}
