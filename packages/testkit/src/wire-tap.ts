import { frontendReader, type ParseMessage, startTcpProxy } from '@dal/db';

export type { ParseMessage };

export interface WireTap {
  /** The URL with host and port replaced by the tap's. */
  url: string;
  /** Every Parse message sent through the tap so far, in order (clear it with `parses.length = 0`). */
  parses: ParseMessage[];
  /**
   * The SQL of every simple-protocol Query message so far (a library that writes the values into the SQL
   * text sends no Parse at all); clear it with `queries.length = 0`.
   */
  queries: string[];
  /** The SQL of every Parse and Query message so far, both kinds in the order sent (clear with `sql.length = 0`). */
  sql: string[];
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of PostgreSQL that records what the client asked the server to parse:
 * whether a library sends named prepared statements is seen on the wire, not taken from its own logs.
 * Plain connections only (node-postgres does not ask for TLS unless told to).
 */
export async function startWireTap(targetUrl: string): Promise<WireTap> {
  const parses: ParseMessage[] = [];
  const queries: string[] = [];
  const sql: string[] = [];
  const proxy = await startTcpProxy(targetUrl, (client, upstream) => {
    client.on(
      'data',
      frontendReader({
        parse(message) {
          parses.push(message);
          sql.push(message.text);
        },
        query(text) {
          queries.push(text);
          sql.push(text);
        },
      }),
    );
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return { url: proxy.url, parses, queries, sql, close: proxy.close };
}
