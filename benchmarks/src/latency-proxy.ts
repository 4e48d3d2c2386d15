import { createServer, type Server, Socket } from 'node:net';
import pg from 'pg';

export interface LatencyProxy {
  /** The URL with host and port replaced by the proxy's. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Forwards `from` to `to` `delayMs` after each chunk arrived, in arrival order (so the byte stream keeps its
 * order). Node timers have millisecond granularity and fire late, so a timer covers the wait only up to the
 * last millisecond; the rest is polled with setImmediate, which keeps sub-millisecond delays (--latency 1 is
 * 0.5 ms each way) close to what was asked.
 */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number; chunk: Buffer }> = [];
  let waiting = false;
  let ended = false;
  const flush = () => {
    waiting = false;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) to.write(queue.shift()!.chunk);
    if (queue.length > 0) schedule();
    else if (ended) to.end();
  };
  const schedule = () => {
    if (waiting || queue.length === 0) return;
    waiting = true;
    const wait = queue[0]!.due - performance.now();
    if (wait > 1.5) setTimeout(flush, Math.floor(wait - 1));
    else setImmediate(flush);
  };
  from.on('data', (chunk: Buffer) => {
    queue.push({ due: performance.now() + delayMs, chunk });
    schedule();
  });
  from.on('end', () => {
    ended = true;
    if (queue.length === 0) to.end();
  });
}

/**
 * A loopback TCP proxy in front of PostgreSQL that delays each direction by `rttMs / 2`, so every round trip
 * costs at least `rttMs` more, as against a database in another zone.
 */
export async function startLatencyProxy(targetUrl: string, rttMs: number): Promise<LatencyProxy> {
  const target = new URL(targetUrl);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const targetPort = Number(target.port || 5432);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    upstream.connect(targetPort, host, () => {
      delayedPipe(client, upstream, rttMs / 2);
      delayedPipe(upstream, client, rttMs / 2);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the latency proxy has no port');
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Median time of `SELECT 1` on one connection to `url` (ms): what a round trip costs there. */
export async function roundTripMs(url: string, samples = 50): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    for (let i = 0; i < 5; i++) await client.query('SELECT 1');
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await client.query('SELECT 1');
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[Math.floor(samples / 2)]!;
  } finally {
    await client.end();
  }
}
