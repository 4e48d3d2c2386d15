import { startTcpProxy } from '@dal/db';

/** A Parse message the client sent: the statement name ('' = unnamed) and its SQL text. */
export interface ParseMessage {
  name: string;
  text: string;
}

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

// startup-phase requests that carry a protocol code instead of a version (PostgreSQL protocol §55.7)
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PARSE = 0x50; // 'P'
const QUERY = 0x51; // 'Q'

/**
 * Reads the frontend's side of the PostgreSQL protocol as it passes: the untyped startup messages first,
 * then typed messages (1-byte type, 4-byte length that counts itself), recording each Parse and Query.
 */
function frontendReader(
  onParse: (message: ParseMessage) => void,
  onQuery: (text: string) => void,
): (chunk: Buffer) => void {
  let buffer = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        // after an SSL or GSS request the client sends its startup message next
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) started = true;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      if (buffer[0] === PARSE) {
        const nameEnd = buffer.indexOf(0, 5);
        const textEnd = buffer.indexOf(0, nameEnd + 1);
        onParse({
          name: buffer.toString('utf8', 5, nameEnd),
          text: buffer.toString('utf8', nameEnd + 1, textEnd),
        });
      }
      if (buffer[0] === QUERY) onQuery(buffer.toString('utf8', 5, buffer.indexOf(0, 5)));
      buffer = buffer.subarray(1 + length);
    }
  };
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
      frontendReader(
        (message) => {
          parses.push(message);
          sql.push(message.text);
        },
        (text) => {
          queries.push(text);
          sql.push(text);
        },
      ),
    );
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return { url: proxy.url, parses, queries, sql, close: proxy.close };
}
