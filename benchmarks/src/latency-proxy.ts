import type { Socket } from 'node:net';
import { startTcpProxy, type TcpProxy } from '@dal/db';
import pg from 'pg';

/** The latency proxy: a TCP proxy whose connections are delayed. */
export type LatencyProxy = TcpProxy;

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
export function startLatencyProxy(targetUrl: string, rttMs: number): Promise<LatencyProxy> {
  return startTcpProxy(targetUrl, (client, upstream) => {
    delayedPipe(client, upstream, rttMs / 2);
    delayedPipe(upstream, client, rttMs / 2);
  });
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
