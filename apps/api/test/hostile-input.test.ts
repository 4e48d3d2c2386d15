import { spawn } from 'node:child_process';
import { createServer, type Server, connect as tcpConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ShopRepository } from '@dal/core';
import { createRepository } from '@dal/impl-pg';
import { BASE, loadFixture, useSchemaDatabase } from '@dal/testkit';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buildApp } from '../src/app';

// Issue 16: what a hostile or careless client sends gets a typed 4xx (or a 503 when the database cannot
// answer in time) in the `{ error, message }` shape, never a coerced value, a 500 or a hung request.

const db = useSchemaDatabase('api_hostile');
let pool: pg.Pool;
let repository: ShopRepository;
let app: FastifyInstance;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  repository = createRepository({ connectionString: db.url, poolSize: 4 });
  app = buildApp({ repository });
  await app.ready();
});

beforeEach(async () => {
  await loadFixture(pool, db.url, 'base');
});

afterAll(async () => {
  await app?.close();
  await repository?.close();
  await pool?.end();
});

const call = (
  method: InjectOptions['method'],
  url: string,
  options: Omit<InjectOptions, 'method' | 'url'> = {},
) => app.inject({ method, url, ...options });

async function expectError(
  response: Promise<{ statusCode: number; json(): unknown }>,
  status: number,
  code: string,
  message?: RegExp,
) {
  const { statusCode, json } = await response;
  const body = json() as { error: string; message: string };
  expect({ statusCode, error: body.error }).toEqual({ statusCode: status, error: code });
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
  if (message) expect(body.message).toMatch(message);
}

const { alice, bob } = BASE.customers;
const { widget } = BASE.products;
const accounts = BASE.accounts;
const balance = async (id: number) => (await call('GET', `/accounts/${id}`)).json().balanceCents;

/** Sends raw bytes to the app on a real socket and returns the whole response text. */
async function rawRequest(request: Buffer | string): Promise<string> {
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('app is not listening');
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(address.port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e) => (chunks.length ? resolve(Buffer.concat(chunks).toString()) : reject(e)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}
const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));

describe('NUL characters', () => {
  test('a NUL in a customer name or email, the email query or a product is a 400 VALIDATION, not a 500', async () => {
    const nul = '\u0000';
    await expectError(
      call('POST', '/customers', { payload: { email: 'n@example.com', name: `a${nul}b` } }),
      400,
      'VALIDATION',
      /NUL/,
    );
    await expectError(
      call('POST', '/customers', { payload: { email: `n${nul}@example.com`, name: 'N' } }),
      400,
      'VALIDATION',
    );
    await expectError(
      call('GET', `/customers?email=${encodeURIComponent(`a${nul}@example.com`)}`),
      400,
      'VALIDATION',
    );
    await expectError(
      call('PUT', '/products', { payload: [{ sku: `S${nul}`, name: 'n', priceCents: 1, stock: 1 }] }),
      400,
      'VALIDATION',
    );
  });
});

describe('no type coercion', () => {
  test.each([
    ['true', true],
    ['"0x10"', '0x10'],
    ['[5]', [5]],
    ['"1e2"', '1e2'],
    ['"5"', '5'],
  ])('POST /transfers with amountCents %s is a 400 and moves nothing', async (_, amountCents) => {
    await expectError(
      call('POST', '/transfers', {
        payload: { fromAccountId: accounts.alice.id, toAccountId: accounts.bob.id, amountCents },
        headers: { 'idempotency-key': 'coerce' },
      }),
      400,
      'VALIDATION',
    );
    expect(await balance(accounts.alice.id)).toBe(accounts.alice.balanceCents);
  });

  test('other bodies: a string, boolean or array for a number or an id is a 400', async () => {
    await expectError(
      call('PATCH', `/products/${widget.id}/price`, {
        payload: { priceCents: '100' },
        headers: { 'if-match': '"1"' },
      }),
      400,
      'VALIDATION',
    );
    await expectError(
      call('POST', '/orders', {
        payload: { customerId: '1', items: [{ productId: widget.id, quantity: 1 }] },
      }),
      400,
      'VALIDATION',
    );
    await expectError(
      call('POST', '/orders', {
        payload: { customerId: alice.id, items: [{ productId: widget.id, quantity: true }] },
      }),
      400,
      'VALIDATION',
    );
    await expectError(
      call('POST', '/customers', { payload: { email: 'num@example.com', name: 42 } }),
      400,
      'VALIDATION',
    );
    expect((await call('GET', `/products/${widget.id}`)).json()).toMatchObject({
      priceCents: widget.priceCents,
      stock: widget.stock,
    });
  });

  test.each(['0x1', '1e0', '+1', '1.0', '%201', '1%20', '0b1', '-1', '1,2', '99999999999999999999'])(
    'DELETE /customers/%s (not plain decimal digits) is a 400 and deletes nothing',
    async (id) => {
      await expectError(
        call('DELETE', `/customers/${id}`),
        400,
        'VALIDATION',
        /plain decimal digits|must be/,
      );
      expect((await call('GET', `/customers/${alice.id}`)).statusCode).toBe(200);
    },
  );

  test('query integers: plain decimal digits only, given once; defaults still apply', async () => {
    for (const query of [
      'pageSize=0x10',
      'pageSize=1e1',
      'page=true',
      'pageSize=10&pageSize=10',
      'customerId=0x1',
    ]) {
      await expectError(call('GET', `/orders?${query}`), 400, 'VALIDATION');
    }
    await expectError(call('GET', '/orders/recent?limit=1e1'), 400, 'VALIDATION');
    const page = await call('GET', `/orders?page=1&pageSize=3&customerId=${bob.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ page: 1, pageSize: 3 });
    expect((await call('GET', `/customers/0${alice.id}`)).statusCode).toBe(200); // leading zeros are digits
  });
});

describe('anonymous limits', () => {
  test('GET /orders/recent: naive is capped at limit 20, the others at 100', async () => {
    expect((await call('GET', '/orders/recent?strategy=naive&limit=20')).statusCode).toBe(200);
    await expectError(call('GET', '/orders/recent?strategy=naive&limit=21'), 400, 'VALIDATION', /at most 20/);
    await expectError(call('GET', '/orders/recent?strategy=naive&limit=1000'), 400, 'VALIDATION');
    expect((await call('GET', '/orders/recent?strategy=joined&limit=100')).statusCode).toBe(200);
    await expectError(call('GET', '/orders/recent?strategy=batched&limit=101'), 400, 'VALIDATION');
  });
});

describe('timeouts', () => {
  test('a held row lock makes requests fail fast with 503 + Retry-After, not hang', async () => {
    // one connection, as when every pooled connection is stuck: the PATCH waits on the lock, an unrelated
    // GET finds no free connection
    const timed = createRepository({
      connectionString: db.url,
      poolSize: 1,
      acquireTimeoutMs: 300,
      statementTimeoutMs: 1_000,
    });
    const timedApp = buildApp({ repository: timed });
    const locker = await pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [widget.id]);
      const started = performance.now();
      const patch = timedApp.inject({
        method: 'PATCH',
        url: `/products/${widget.id}/price`,
        payload: { priceCents: 1 },
        headers: { 'if-match': '"1"' },
      });
      await new Promise((r) => setTimeout(r, 100)); // the PATCH has the connection and waits on the lock
      const unrelated = await timedApp.inject({ method: 'GET', url: `/products/${BASE.products.gadget.id}` });
      expect(unrelated.statusCode).toBe(503);
      expect(unrelated.headers['retry-after']).toBe('1');
      expect(unrelated.json()).toEqual({ error: 'UNAVAILABLE', message: expect.any(String) });
      const blocked = await patch;
      expect(blocked.statusCode).toBe(503);
      expect(blocked.headers['retry-after']).toBe('1');
      expect(blocked.json()).toMatchObject({ error: 'UNAVAILABLE' });
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
      await timedApp.close();
      await timed.close();
    }
    expect((await call('GET', `/products/${widget.id}`)).json()).toMatchObject({
      priceCents: widget.priceCents,
    });
  });
});

describe('HTTP edges', () => {
  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
  });

  const payload = { fromAccountId: accounts.alice.id, toAccountId: accounts.bob.id, amountCents: 7 };

  test('an Idempotency-Key sent twice is a 400, not the merged key "dupA, dupB"', async () => {
    await expectError(
      call('POST', '/transfers', { payload, headers: { 'idempotency-key': ['dupA', 'dupB'] } }),
      400,
      'VALIDATION',
      /exactly once/,
    );
    expect(await balance(accounts.alice.id)).toBe(accounts.alice.balanceCents);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM transfers');
    const first = await call('POST', '/transfers', { payload, headers: { 'idempotency-key': 'dupA' } });
    expect(first.statusCode).toBe(201);
    expect((await pool.query('SELECT count(*)::int AS n FROM transfers')).rows[0].n).toBe(rows[0].n + 1);
  });

  test('a non-ASCII or blank-containing Idempotency-Key is a clear 400 (bytes on a real socket)', async () => {
    const body = JSON.stringify(payload);
    const request = Buffer.concat([
      Buffer.from('POST /transfers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'),
      Buffer.from('Idempotency-Key: ключ-1\r\n', 'utf8'),
      Buffer.from(`Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`),
    ]);
    const response = await rawRequest(request);
    expect(response).toMatch(/^HTTP\/1.1 400/);
    expect(bodyOf(response)).toEqual({
      error: 'VALIDATION',
      message: expect.stringMatching(/visible ASCII/),
    });
    await expectError(
      call('POST', '/transfers', { payload, headers: { 'idempotency-key': 'two words' } }),
      400,
      'VALIDATION',
      /visible ASCII/,
    );
    expect(await balance(accounts.alice.id)).toBe(accounts.alice.balanceCents);
  });

  test('431 (headers too large) and 413 (body too large) answer in the { error, message } shape', async () => {
    const big = await rawRequest(
      `GET /products/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
    );
    expect(big).toMatch(/^HTTP\/1.1 431/);
    expect(bodyOf(big)).toEqual({ error: 'HEADERS_TOO_LARGE', message: expect.any(String) });

    const garbage = await rawRequest('NOT-HTTP\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1.1 400/);
    expect(bodyOf(garbage)).toEqual({ error: 'BAD_REQUEST', message: expect.any(String) });

    await expectError(
      call('POST', '/customers', {
        payload: JSON.stringify({ email: 'x@example.com', name: 'x'.repeat(2 * 1024 * 1024) }),
        headers: { 'content-type': 'application/json' },
      }),
      413,
      'FST_ERR_CTP_BODY_TOO_LARGE',
    );
    await expectError(
      call('POST', '/customers', { payload: '<x/>', headers: { 'content-type': 'application/xml' } }),
      415,
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
    );
  });
});

describe('bench:http command line', () => {
  test.each([
    [['--bogus'], /^bench:http: Unknown option '--bogus' \(flags: --impl, --duration/],
    [['--impl'], /^bench:http: Option '--impl <value>' argument missing/],
    [['stray'], /^bench:http: Unexpected argument 'stray'/],
  ])(
    '%j is one line on stderr and exit code 1, no stack',
    async (args, message) => {
      const script = fileURLToPath(new URL('../src/http-bench.ts', import.meta.url));
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
        (resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (c) => {
            stderr += c;
          });
          child.on('error', reject);
          child.on('exit', (code) => resolve({ code, stderr }));
        },
      );
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    },
    30_000,
  );
});

describe('startup order', () => {
  test('a busy PORT is reported in one line before any database is contacted', async () => {
    const listen = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
      return (server.address() as { port: number }).port;
    };
    const busy = createServer();
    const port = await listen(busy);
    // a stand-in for the database: it counts the connections made to it and never answers
    let contacted = 0;
    const database = createServer((socket) => {
      contacted++;
      socket.destroy();
    });
    const databasePort = await listen(database);
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    try {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
        (resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', main], {
            env: {
              ...process.env,
              PORT: String(port),
              DATABASE_URL: `postgres://dal:secret@127.0.0.1:${databasePort}/dal`,
              IMPL: 'pg',
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let stderr = '';
          child.stderr.on('data', (c) => {
            stderr += c;
          });
          const timer = setTimeout(() => child.kill('SIGINT'), 20_000);
          child.on('error', reject);
          child.on('exit', (code) => {
            clearTimeout(timer);
            resolve({ code, stderr });
          });
        },
      );
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/cannot listen: .*EADDRINUSE/)]);
      expect(contacted).toBe(0);
    } finally {
      busy.close();
      database.close();
    }
  }, 30_000);
});
