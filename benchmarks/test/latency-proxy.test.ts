import { execFileSync } from 'node:child_process';
import { createServer, type Server, Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrateProxy, keepCoresAwake, proxyCpuMs, startLatencyProxy } from '../src/latency-proxy';

let echo: Server;
let port = 0;

beforeAll(async () => {
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  port = (echo.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

async function connect(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = new Socket();
  await new Promise<void>((resolve) => socket.connect(Number(port), hostname, resolve));
  socket.setNoDelay(true);
  return socket;
}

/** Round trips of one byte through `socket`, in ms. */
async function roundTrips(socket: Socket, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      socket.once('data', () => resolve());
      socket.write('x');
    });
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * The best of three batches' median round trip: one batch can meet a loaded machine (a 20 ms proxy read 51 ms
 * while CI's end-to-end bench and another package's suite shared the 2 cores). Every round trip of every batch
 * must take at least `floorMs`: the proxy never delivers earlier than asked.
 */
async function bestMedian(socket: Socket, perBatch: number, floorMs: number): Promise<number> {
  const medians: number[] = [];
  for (let batch = 0; batch < 3; batch++) {
    const times = await roundTrips(socket, perBatch);
    expect(times[0]).toBeGreaterThanOrEqual(floorMs);
    medians.push(times[Math.floor(perBatch / 2)]!);
  }
  return Math.min(...medians);
}

describe('latency proxy', () => {
  it('adds the requested round-trip time, half each way', async () => {
    const proxy = await startLatencyProxy(`postgres://u:p@127.0.0.1:${port}/db`, 20);
    const socket = await connect(proxy.url);
    try {
      expect(await bestMedian(socket, 10, 19.5)).toBeLessThan(35);
    } finally {
      socket.destroy();
      await proxy.close();
    }
  });

  it('keeps sub-millisecond delays close to what was asked', async () => {
    const proxy = await startLatencyProxy(`postgres://127.0.0.1:${port}/db`, 1);
    const socket = await connect(proxy.url);
    try {
      // since the proxy moved into a child process its added round trip is 1.45 ms idle and 2.37–2.45 ms while
      // the end-to-end bench runs beside this file on 2 cores: within 3 ms here. The ±15% precision the
      // harness reports per round (environment.json loadedAddedByScenario) is an open point of issue 14
      expect(await bestMedian(socket, 50, 0.95)).toBeLessThan(3);
    } finally {
      socket.destroy();
      await proxy.close();
    }
  });

  it('takes a new one-way delay for what it reads next', async () => {
    const proxy = await startLatencyProxy(`postgres://127.0.0.1:${port}/db`, 1);
    const socket = await connect(proxy.url);
    try {
      await proxy.setOneWayDelay(10);
      expect(proxy.oneWayMs).toBe(10);
      expect(await bestMedian(socket, 5, 19.5)).toBeLessThan(35);
    } finally {
      socket.destroy();
      await proxy.close();
    }
  });

  it('calibrates its one-way delay so that its own hops are part of the round trip asked for', async () => {
    // a proxy whose hops and wake-ups cost 0.6 ms per round trip, measured with ±0.01 ms of noise
    const proxy = {
      oneWayMs: 0.5,
      async setOneWayDelay(ms: number) {
        this.oneWayMs = ms;
      },
    };
    let draw = 0;
    const measure = async () => 2 * proxy.oneWayMs + 0.6 + (draw++ % 2 ? 0.01 : -0.01);
    const calibration = await calibrateProxy(proxy, 1, measure);
    expect(calibration.overheadMs).toBeCloseTo(0.59, 5);
    expect(Math.abs(calibration.addedMs - 1)).toBeLessThanOrEqual(0.05);
    expect(calibration.oneWayMs).toBeCloseTo(0.2, 1);
    expect(calibration.steps).toBeGreaterThan(0);
    // hops that cost more than the round trip asked for: no delay at all, and the run says what it got
    const slow = { ...proxy, oneWayMs: 0.5 };
    const floor = await calibrateProxy(slow, 0.2, async () => 2 * slow.oneWayMs + 0.6);
    expect(floor.oneWayMs).toBe(0);
    expect(floor.addedMs).toBeCloseTo(0.6, 5);
  });

  it('keeps every core awake while a latency run goes on, and leaves no spinner behind', async () => {
    const children = () => {
      try {
        return execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
          .trim()
          .split('\n');
      } catch {
        return []; // pgrep exits 1 when it finds none
      }
    };
    const before = children().length;
    const awake = keepCoresAwake();
    expect(children().length - before).toBe(availableParallelism());
    expect(awake.description).toMatch(
      new RegExp(`^${availableParallelism()} (SCHED_IDLE|nice 19|default) spinners$`),
    );
    await awake.stop();
    expect(children()).toHaveLength(before);
  });

  it('keeps the byte stream in order', async () => {
    const proxy = await startLatencyProxy(`postgres://127.0.0.1:${port}/db`, 4);
    const socket = await connect(proxy.url);
    try {
      const sent = Array.from({ length: 500 }, (_, i) => `${i};`).join('');
      let received = '';
      const done = new Promise<void>((resolve) => {
        socket.on('data', (chunk) => {
          received += chunk.toString();
          if (received.length >= sent.length) resolve();
        });
      });
      for (let i = 0; i < sent.length; i += 37) {
        socket.write(sent.slice(i, i + 37));
        if (i % 370 === 0) await new Promise((r) => setTimeout(r, 1));
      }
      await done;
      expect(received).toBe(sent);
    } finally {
      socket.destroy();
      await proxy.close();
    }
  });

  it('runs in a process of its own, whose CPU time is readable', async () => {
    const proxy = await startLatencyProxy(`postgres://127.0.0.1:${port}/db`, 1);
    const socket = await connect(proxy.url);
    try {
      expect(proxy.pid).not.toBe(process.pid);
      await roundTrips(socket, 20);
      expect(proxyCpuMs(proxy.pid)).toBeGreaterThan(0);
    } finally {
      socket.destroy();
      await proxy.close();
    }
    expect(proxyCpuMs(proxy.pid)).toBeNull();
  });

  it('points the URL at itself and keeps the credentials and database', async () => {
    const proxy = await startLatencyProxy(`postgres://u:p@127.0.0.1:${port}/db`, 2);
    try {
      const url = new URL(proxy.url);
      expect([url.hostname, url.port, url.username, url.password, url.pathname]).toEqual([
        '127.0.0.1',
        String(proxy.port),
        'u',
        'p',
        '/db',
      ]);
    } finally {
      await proxy.close();
    }
  });
});
