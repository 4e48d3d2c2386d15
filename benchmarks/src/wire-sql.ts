import { startTcpProxy } from '@dal/db';

// startup-phase requests that carry a protocol code instead of a version (PostgreSQL protocol §55.7)
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PARSE = 0x50; // 'P'
const QUERY = 0x51; // 'Q'

/**
 * The SQL text of every Parse and simple Query message a client sends, read from the frontend's side of the
 * protocol as it passes (the same reading as @dal/testkit's wire tap, which the harness does not load at run
 * time): the untyped startup messages first, then typed messages (1-byte type, 4-byte length).
 */
export function frontendSql(onSql: (text: string) => void): (chunk: Buffer) => void {
  let buffer: Buffer = Buffer.alloc(0);
  let started = false;
  return (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    for (;;) {
      if (!started) {
        if (buffer.length < 8) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        const code = buffer.readInt32BE(4);
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) started = true;
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      if (buffer[0] === PARSE) {
        const nameEnd = buffer.indexOf(0, 5);
        onSql(buffer.toString('utf8', nameEnd + 1, buffer.indexOf(0, nameEnd + 1)));
      } else if (buffer[0] === QUERY) onSql(buffer.toString('utf8', 5, buffer.indexOf(0, 5)));
      buffer = buffer.subarray(1 + length);
    }
  };
}

/** Transaction control is not listed, as the server's counts leave it out. */
const TRANSACTION_CONTROL = /^\s*(begin|start\s+transaction|commit|end|rollback|set\s+transaction)\b/i;

export interface SqlTap {
  /** The URL with host and port replaced by the tap's. */
  url: string;
  /** Starts recording afresh. */
  clear(): void;
  /** The distinct SQL texts sent since clear(), in order of first appearance, with how often each was sent. */
  distinct(): Array<{ text: string; sent: number }>;
  close(): Promise<void>;
}

/**
 * A loopback proxy that lists the SQL the libraries send: used in the (untimed) count phase only, so what
 * summary.md lists under each table is what went over the wire, not pg_stat_statements' normalised texts
 * (PostgreSQL 18 merges statements that differ only in a table name behind the same alias).
 */
export async function startSqlTap(targetUrl: string): Promise<SqlTap> {
  let seen = new Map<string, number>();
  const proxy = await startTcpProxy(targetUrl, (client, upstream) => {
    client.on(
      'data',
      frontendSql((text) => {
        if (!TRANSACTION_CONTROL.test(text)) seen.set(text, (seen.get(text) ?? 0) + 1);
      }),
    );
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    url: proxy.url,
    clear: () => {
      seen = new Map();
    },
    distinct: () => [...seen.entries()].map(([text, sent]) => ({ text, sent })),
    close: proxy.close,
  };
}
