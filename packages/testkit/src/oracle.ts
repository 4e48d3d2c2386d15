import type { Account, Order, OrderDetails, OrderStatus, Product } from '@dal/core';
import type pg from 'pg';

/**
 * The suite's own reading of the database, independent of any implementation: what a correct answer is.
 * Plain SQL through node-postgres, converted by hand.
 */
export class Oracle {
  constructor(private readonly pool: pg.Pool) {}

  private where(filter: { customerId?: number | undefined; status?: OrderStatus | undefined }) {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.customerId !== undefined) clauses.push(`customer_id = $${params.push(filter.customerId)}`);
    if (filter.status !== undefined) clauses.push(`status = $${params.push(filter.status)}`);
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** Every order matching the filter, created_at desc, id desc. */
  async orders(
    filter: { customerId?: number | undefined; status?: OrderStatus | undefined } = {},
  ): Promise<Order[]> {
    const w = this.where(filter);
    const { rows } = await this.pool.query(
      `SELECT id, customer_id, status, total_cents, created_at FROM orders ${w.sql} ORDER BY created_at DESC, id DESC`,
      w.params,
    );
    return rows.map((r) => ({
      id: r.id,
      customerId: r.customer_id,
      status: r.status,
      totalCents: r.total_cents,
      createdAt: r.created_at,
    }));
  }

  async orderDetails(limit: number, customerId?: number): Promise<OrderDetails[]> {
    const orders = (await this.orders({ customerId })).slice(0, limit);
    const result: OrderDetails[] = [];
    for (const order of orders) {
      const customer = await this.pool.query('SELECT id, email, name FROM customers WHERE id = $1', [
        order.customerId,
      ]);
      const items = await this.pool.query(
        `SELECT i.id, i.order_id, i.product_id, i.quantity, i.unit_price_cents, p.sku, p.name
           FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.order_id = $1 ORDER BY i.id`,
        [order.id],
      );
      result.push({
        ...order,
        customer: customer.rows[0],
        items: items.rows.map((r) => ({
          id: r.id,
          orderId: r.order_id,
          productId: r.product_id,
          quantity: r.quantity,
          unitPriceCents: r.unit_price_cents,
          product: { id: r.product_id, sku: r.sku, name: r.name },
        })),
      });
    }
    return result;
  }

  async product(id: number): Promise<Product | null> {
    const { rows } = await this.pool.query('SELECT * FROM products WHERE id = $1', [id]);
    const r = rows[0];
    return r
      ? {
          id: r.id,
          sku: r.sku,
          name: r.name,
          priceCents: r.price_cents,
          stock: r.stock,
          version: r.version,
          updatedAt: r.updated_at,
        }
      : null;
  }

  async account(id: number): Promise<Account | null> {
    const { rows } = await this.pool.query('SELECT * FROM accounts WHERE id = $1', [id]);
    const r = rows[0];
    return r
      ? { id: r.id, customerId: r.customer_id, balanceCents: Number(r.balance_cents), version: r.version }
      : null;
  }

  async count(
    table: 'customers' | 'products' | 'orders' | 'order_items' | 'accounts' | 'transfers',
  ): Promise<number> {
    // table is one of a fixed list, never input
    const { rows } = await this.pool.query(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0].n;
  }

  async balanceSum(): Promise<number> {
    const { rows } = await this.pool.query('SELECT coalesce(sum(balance_cents), 0)::text AS s FROM accounts');
    return Number(rows[0].s);
  }

  /** A fingerprint of every table, to prove that a failed call changed nothing. */
  async snapshot(): Promise<string> {
    const { rows } = await this.pool.query(`SELECT md5(string_agg(t, '|' ORDER BY t)) AS h FROM (
      SELECT 'c' || c::text AS t FROM customers c UNION ALL SELECT 'p' || p::text FROM products p
      UNION ALL SELECT 'o' || o::text FROM orders o UNION ALL SELECT 'i' || i::text FROM order_items i
      UNION ALL SELECT 'a' || a::text FROM accounts a UNION ALL SELECT 't' || t::text FROM transfers t) x`);
    return rows[0].h;
  }

  /** Connections to this database other than the suite's own pool. */
  async foreignConnections(database: string): Promise<number> {
    const { rows } = await this.pool.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend' AND application_name <> 'dal-testkit'`,
      [database],
    );
    return rows[0].n;
  }
}
