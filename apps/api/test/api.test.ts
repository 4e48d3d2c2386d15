import type { ShopRepository } from '@dal/core';
import { createRepository } from '@dal/impl-pg';
import { BASE, loadFixture, useSchemaDatabase } from '@dal/testkit';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buildApp } from '../src/app';

const db = useSchemaDatabase('api');
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

function call(
  method: InjectOptions['method'],
  url: string,
  options: Omit<InjectOptions, 'method' | 'url'> = {},
) {
  return app.inject({ method, url, ...options });
}

/** Asserts the status and the `{ error, message }` body of an error response. */
async function expectError(
  response: Promise<{ statusCode: number; json(): unknown }>,
  status: number,
  code: string,
) {
  const { statusCode, json } = await response;
  const body = json() as { error: string; message: string };
  expect({ statusCode, error: body.error }).toEqual({ statusCode: status, error: code });
  expect(body.message).toEqual(expect.any(String));
  expect(Object.keys(body).sort()).toEqual(['error', 'message']);
}

const { alice, bob, carol } = BASE.customers;
const { widget, gadget, gizmo } = BASE.products;

describe('customers', () => {
  test('POST /customers creates one: 201, Location, createdAt as an ISO string', async () => {
    const response = await call('POST', '/customers', {
      payload: { email: 'zoe@example.com', name: `Zoë "O'Brien"; --` },
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(Number),
      email: 'zoe@example.com',
      name: `Zoë "O'Brien"; --`,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(response.headers.location).toBe(`/customers/${body.id}`);
    expect((await call('GET', `/customers/${body.id}`)).json()).toEqual(body);
  });

  test('POST /customers with a live email in other letter case: 409 CONFLICT', async () => {
    await expectError(
      call('POST', '/customers', { payload: { email: alice.email.toUpperCase(), name: 'Twin' } }),
      409,
      'CONFLICT',
    );
  });

  test('POST /customers with a bad body: 400 VALIDATION, from the schema and from the core validator', async () => {
    await expectError(call('POST', '/customers', { payload: { email: 'x@example.com' } }), 400, 'VALIDATION');
    await expectError(
      call('POST', '/customers', { payload: { email: 'no-at-sign', name: 'N' } }),
      400,
      'VALIDATION',
    );
    await expectError(
      call('POST', '/customers', { payload: '{"email":', headers: { 'content-type': 'application/json' } }),
      400,
      'VALIDATION',
    );
  });

  test('GET /customers/:id: 200 with dates as ISO strings; 404 when soft-deleted; 400 for a bad id', async () => {
    const response = await call('GET', `/customers/${alice.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...alice, createdAt: '2024-01-01T00:00:00.000Z' });
    await expectError(call('GET', `/customers/${carol.id}`), 404, 'NOT_FOUND');
    await expectError(call('GET', '/customers/abc'), 400, 'VALIDATION');
    await expectError(call('GET', '/customers/0'), 400, 'VALIDATION');
  });

  test('GET /customers?email= finds the live customer case-insensitively, else an empty list', async () => {
    const found = await call('GET', `/customers?email=${encodeURIComponent('bob@example.COM')}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual([{ ...bob, createdAt: '2024-01-02T00:00:00.000Z' }]);
    expect((await call('GET', `/customers?email=${carol.email}`)).json()).toEqual([]);
    await expectError(call('GET', '/customers'), 400, 'VALIDATION');
  });

  test('DELETE /customers/:id: 204, then the customer is gone (404) and a second delete is 404', async () => {
    const response = await call('DELETE', `/customers/${alice.id}`);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    await expectError(call('GET', `/customers/${alice.id}`), 404, 'NOT_FOUND');
    await expectError(call('DELETE', `/customers/${alice.id}`), 404, 'NOT_FOUND');
  });
});

describe('products', () => {
  test('GET /products/:id: 200 with the version as ETag; 404 when missing', async () => {
    const response = await call('GET', `/products/${widget.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.json()).toEqual({ ...widget, version: 1, updatedAt: '2024-01-01T00:00:00.000Z' });
    await expectError(call('GET', '/products/999'), 404, 'NOT_FOUND');
  });

  test('PATCH /products/:id/price: If-Match from the ETag wins once, the stale version then gets 409', async () => {
    const etag = (await call('GET', `/products/${widget.id}`)).headers.etag as string;
    const update = (ifMatch: string, priceCents: number) =>
      call('PATCH', `/products/${widget.id}/price`, {
        headers: { 'if-match': ifMatch },
        payload: { priceCents },
      });

    const first = await update(etag, 1500);
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    expect(first.json()).toMatchObject({ id: widget.id, priceCents: 1500, version: 2 });

    await expectError(update(etag, 1600), 409, 'VERSION_CONFLICT');
    const second = await update('2', 1700); // a bare version is accepted too
    expect(second.json()).toMatchObject({ priceCents: 1700, version: 3 });
    expect((await call('GET', `/products/${widget.id}`)).json()).toMatchObject({
      priceCents: 1700,
      version: 3,
    });
  });

  test('PATCH /products/:id/price: 428 without If-Match, 400 for a malformed one, 404 for a missing product', async () => {
    const payload = { priceCents: 1 };
    await expectError(
      call('PATCH', `/products/${widget.id}/price`, { payload }),
      428,
      'PRECONDITION_REQUIRED',
    );
    for (const ifMatch of ['*', '"1', 'v1', '"1", "2"']) {
      await expectError(
        call('PATCH', `/products/${widget.id}/price`, { payload, headers: { 'if-match': ifMatch } }),
        400,
        'VALIDATION',
      );
    }
    await expectError(
      call('PATCH', '/products/999/price', { payload, headers: { 'if-match': '"1"' } }),
      404,
      'NOT_FOUND',
    );
    await expectError(
      call('PATCH', `/products/${widget.id}/price`, {
        payload: { priceCents: -1 },
        headers: { 'if-match': '1' },
      }),
      400,
      'VALIDATION',
    );
    expect((await call('GET', `/products/${widget.id}`)).json()).toMatchObject({ version: 1 });
  });

  test('PUT /products upserts by sku and bumps the version of updated rows; a duplicate sku is 400', async () => {
    const response = await call('PUT', '/products', {
      payload: [
        { sku: widget.sku, name: 'Widget v2', priceCents: 1300, stock: 7 },
        { sku: 'SKU-NEW', name: 'New', priceCents: 10, stock: 1 },
      ],
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ affected: 2 });
    expect((await call('GET', `/products/${widget.id}`)).json()).toMatchObject({
      name: 'Widget v2',
      priceCents: 1300,
      stock: 7,
      version: 2,
    });
    const duplicate = { sku: 'SKU-DUP', name: 'Dup', priceCents: 1, stock: 1 };
    await expectError(call('PUT', '/products', { payload: [duplicate, duplicate] }), 400, 'VALIDATION');
  });
});

describe('orders', () => {
  test('POST /orders: 201 with the order details, stock decremented', async () => {
    const response = await call('POST', '/orders', {
      payload: {
        customerId: alice.id,
        items: [
          { productId: gadget.id, quantity: 1 },
          { productId: widget.id, quantity: 2 },
        ],
      },
    });
    expect(response.statusCode).toBe(201);
    const order = response.json();
    expect(order).toMatchObject({
      customerId: alice.id,
      status: 'pending',
      totalCents: 2 * widget.priceCents + gadget.priceCents,
      createdAt: expect.stringMatching(/Z$/),
      customer: { id: alice.id, email: alice.email, name: alice.name },
    });
    expect(order.items.map((i: { productId: number }) => i.productId)).toEqual([gadget.id, widget.id]);
    expect(order.items[1]).toMatchObject({
      quantity: 2,
      unitPriceCents: widget.priceCents,
      product: { id: widget.id, sku: widget.sku, name: widget.name },
    });
    expect((await call('GET', `/products/${widget.id}`)).json()).toMatchObject({ stock: widget.stock - 2 });
  });

  test('POST /orders: 422 INSUFFICIENT_STOCK, 404 for a deleted customer or a missing product, 400 without items', async () => {
    const order = (customerId: number, productId: number, quantity: number) =>
      call('POST', '/orders', { payload: { customerId, items: [{ productId, quantity }] } });
    await expectError(order(alice.id, gizmo.id, gizmo.stock + 1), 422, 'INSUFFICIENT_STOCK');
    await expectError(order(carol.id, widget.id, 1), 404, 'NOT_FOUND');
    await expectError(order(alice.id, 999, 1), 404, 'NOT_FOUND');
    await expectError(
      call('POST', '/orders', { payload: { customerId: alice.id, items: [] } }),
      400,
      'VALIDATION',
    );
    expect((await call('GET', `/products/${gizmo.id}`)).json()).toMatchObject({ stock: gizmo.stock });
  });

  test('GET /orders?cursor= pages through every base order exactly once, in the offset order', async () => {
    const keyset: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?pageSize=5&cursor=${encodeURIComponent(cursor)}` : '?pageSize=5';
      const response = await call('GET', `/orders${query}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as {
        items: Array<{ id: number; createdAt: string }>;
        nextCursor: string | null;
      };
      expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
      keyset.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(Math.ceil(BASE.orderCount / 5)); // no extra empty page
    expect(new Set(keyset).size).toBe(BASE.orderCount);

    const offset: number[] = [];
    for (let page = 1; page <= pages; page++) {
      const body = (await call('GET', `/orders?page=${page}&pageSize=5`)).json();
      expect(body).toMatchObject({ page, pageSize: 5 });
      offset.push(...body.items.map((o: { id: number }) => o.id));
    }
    expect(keyset).toEqual(offset);
    expect(keyset[0]).toBe(24); // the newest base order
  });

  test('GET /orders filters by status and customer', async () => {
    const body = (await call('GET', `/orders?pageSize=100&status=paid&customerId=${bob.id}`)).json();
    expect(body.items.length).toBeGreaterThan(0);
    for (const o of body.items) expect(o).toMatchObject({ status: 'paid', customerId: bob.id });
    expect(body.nextCursor).toBeNull();
  });

  test('GET /orders: 400 INVALID_CURSOR for a tampered cursor, 400 VALIDATION for bad paging', async () => {
    const first = (await call('GET', '/orders?pageSize=2')).json();
    const tampered = `${first.nextCursor.slice(0, -2)}AA`;
    await expectError(call('GET', `/orders?cursor=${tampered}`), 400, 'INVALID_CURSOR');
    await expectError(call('GET', '/orders?cursor=garbage'), 400, 'INVALID_CURSOR');
    await expectError(call('GET', `/orders?page=1&cursor=${first.nextCursor}`), 400, 'VALIDATION');
    await expectError(call('GET', '/orders?pageSize=101'), 400, 'VALIDATION');
    await expectError(call('GET', '/orders?status=lost'), 400, 'VALIDATION');
  });

  test('GET /orders/recent returns deep-equal details with every strategy, newest first', async () => {
    const bodies = await Promise.all(
      ['joined', 'batched', 'naive'].map(async (strategy) => {
        const response = await call('GET', `/orders/recent?limit=4&strategy=${strategy}`);
        expect(response.statusCode).toBe(200);
        return response.json();
      }),
    );
    expect(bodies[0].map((o: { id: number }) => o.id)).toEqual([24, 23, 22, 21]);
    expect(bodies[0][0].items.length).toBeGreaterThan(0);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect((await call('GET', '/orders/recent')).json()).toHaveLength(20); // defaults: limit 20, joined
    await expectError(call('GET', '/orders/recent?strategy=eager'), 400, 'VALIDATION');
  });
});

describe('accounts and transfers', () => {
  const transfer = (key: string | undefined, payload: object) =>
    call('POST', '/transfers', { payload, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const balance = async (id: number) => (await call('GET', `/accounts/${id}`)).json().balanceCents;

  test('GET /accounts/:id: balances beyond int4 come back as JSON numbers; 404 when missing', async () => {
    const { eve } = BASE.accounts;
    const response = await call('GET', `/accounts/${eve.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ...eve, version: 1 });
    await expectError(call('GET', '/accounts/999'), 404, 'NOT_FOUND');
  });

  test('POST /transfers: 201 first, 200 with the same transfer on replay, money moved once; 409 for another body', async () => {
    const { alice: from, bob: to } = BASE.accounts;
    const payload = { fromAccountId: from.id, toAccountId: to.id, amountCents: 2_500 };
    const first = await transfer('key-1', payload);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({
      id: expect.any(Number),
      ...payload,
      idempotencyKey: 'key-1',
      createdAt: expect.stringMatching(/Z$/),
    });
    const replay = await transfer('key-1', payload);
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    expect(await balance(from.id)).toBe(from.balanceCents - 2_500);
    expect(await balance(to.id)).toBe(to.balanceCents + 2_500);
    await expectError(transfer('key-1', { ...payload, amountCents: 1 }), 409, 'IDEMPOTENCY_CONFLICT');
  });

  test('POST /transfers: concurrent duplicates get exactly one 201 and move the money once', async () => {
    const { alice: from, bob: to } = BASE.accounts;
    const payload = { fromAccountId: from.id, toAccountId: to.id, amountCents: 100 };
    const responses = await Promise.all(Array.from({ length: 10 }, () => transfer('key-dup', payload)));
    expect(responses.map((r) => r.statusCode).sort()).toEqual([
      200, 200, 200, 200, 200, 200, 200, 200, 200, 201,
    ]);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await balance(from.id)).toBe(from.balanceCents - 100);
  });

  test('POST /transfers: 422 INSUFFICIENT_FUNDS, 404 for a missing account, 400 for bad input or no key', async () => {
    const { dave, alice: a } = BASE.accounts;
    await expectError(
      transfer('k-funds', { fromAccountId: dave.id, toAccountId: a.id, amountCents: 1 }),
      422,
      'INSUFFICIENT_FUNDS',
    );
    await expectError(
      transfer('k-missing', { fromAccountId: a.id, toAccountId: 999, amountCents: 1 }),
      404,
      'NOT_FOUND',
    );
    await expectError(
      transfer('k-same', { fromAccountId: a.id, toAccountId: a.id, amountCents: 1 }),
      400,
      'VALIDATION',
    );
    await expectError(
      transfer(undefined, { fromAccountId: a.id, toAccountId: dave.id, amountCents: 1 }),
      400,
      'VALIDATION',
    );
    expect(await balance(a.id)).toBe(a.balanceCents);
    // the failed transfer released its key: the same key works once the funds are there
    expect(
      (await transfer('k-funds', { fromAccountId: a.id, toAccountId: dave.id, amountCents: 5 })).statusCode,
    ).toBe(201);
  });
});

describe('errors and docs', () => {
  test('an unknown route is a 404 NOT_FOUND in the same error shape', async () => {
    await expectError(call('GET', '/nowhere'), 404, 'NOT_FOUND');
  });

  test('an unexpected failure is a 500 INTERNAL that does not leak its message', async () => {
    const failing = {
      getProduct: async () => {
        throw new Error('password=hunter2 in some driver message');
      },
    } as unknown as ShopRepository;
    const broken = buildApp({ repository: failing });
    try {
      const response = await broken.inject({ method: 'GET', url: '/products/1' });
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ error: 'INTERNAL', message: 'internal server error' });
    } finally {
      await broken.close();
    }
  });

  test('a database that cannot be reached is a 503 UNAVAILABLE with Retry-After, without the driver message', async () => {
    const unreachable = createRepository({
      connectionString: 'postgres://dal:hunter2@127.0.0.1:1/dal',
      poolSize: 1,
      acquireTimeoutMs: 2_000,
    });
    const down = buildApp({ repository: unreachable });
    try {
      const response = await down.inject({ method: 'GET', url: '/products/1' });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toEqual({
        error: 'UNAVAILABLE',
        message: 'the database is unavailable or timed out; retry later',
      });
    } finally {
      await down.close();
      await unreachable.close();
    }
  });

  test('/docs serves the Swagger UI and /docs/json the OpenAPI document with every route', async () => {
    const html = await call('GET', '/docs');
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toMatch(/swagger/i);

    const spec = (await call('GET', '/docs/json')).json();
    expect(spec.openapi).toMatch(/^3\./);
    const routes = Object.entries(spec.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /customers',
        'GET /customers',
        'GET /customers/{id}',
        'DELETE /customers/{id}',
        'GET /products/{id}',
        'PATCH /products/{id}/price',
        'PUT /products',
        'POST /orders',
        'GET /orders',
        'GET /orders/recent',
        'GET /accounts/{id}',
        'POST /transfers',
      ].sort(),
    );
    expect(Object.keys(spec.components.schemas)).toEqual(
      expect.arrayContaining([
        'Customer',
        'Product',
        'Order',
        'OrderDetails',
        'Account',
        'Transfer',
        'Error',
      ]),
    );
    const patch = spec.paths['/products/{id}/price'].patch;
    expect(patch.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining(['path:id', 'header:if-match']),
    );
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '404', '409', '428']));
  });
});
