-- Data Access Lab canonical schema (SPEC §3). The single truth: every ORM model mirrors this file.

CREATE TABLE customers (
  id          integer GENERATED ALWAYS AS IDENTITY CONSTRAINT customers_pkey PRIMARY KEY,
  email       text        NOT NULL,
  name        text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz NULL
);
-- A live customer's email is unique whatever its letter case; a soft-deleted customer's email may be reused.
CREATE UNIQUE INDEX customers_email_live_key ON customers (lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE products (
  id           integer GENERATED ALWAYS AS IDENTITY CONSTRAINT products_pkey PRIMARY KEY,
  sku          text        NOT NULL CONSTRAINT products_sku_key UNIQUE,
  name         text        NOT NULL,
  price_cents  integer     NOT NULL CONSTRAINT products_price_cents_check CHECK (price_cents >= 0),
  stock        integer     NOT NULL CONSTRAINT products_stock_check CHECK (stock >= 0),
  version      integer     NOT NULL DEFAULT 1,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id           integer GENERATED ALWAYS AS IDENTITY CONSTRAINT orders_pkey PRIMARY KEY,
  customer_id  integer     NOT NULL CONSTRAINT orders_customer_id_fkey REFERENCES customers (id),
  status       text        NOT NULL
               CONSTRAINT orders_status_check CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  total_cents  integer     NOT NULL,
  created_at   timestamptz NOT NULL
);
-- A customer's orders, newest first: listOrders* with customerId, recentOrdersWithDetails with customerId.
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at DESC, id DESC);
-- All orders, newest first: keyset pagination `(created_at, id) < ($1, $2)`, OFFSET pages, n-plus-one.
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);

CREATE TABLE order_items (
  id                integer GENERATED ALWAYS AS IDENTITY CONSTRAINT order_items_pkey PRIMARY KEY,
  order_id          integer NOT NULL CONSTRAINT order_items_order_id_fkey REFERENCES orders (id) ON DELETE CASCADE,
  product_id        integer NOT NULL CONSTRAINT order_items_product_id_fkey REFERENCES products (id),
  quantity          integer NOT NULL CONSTRAINT order_items_quantity_check CHECK (quantity > 0),
  unit_price_cents  integer NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
CREATE INDEX order_items_product_id_idx ON order_items (product_id);

CREATE TABLE accounts (
  id             integer GENERATED ALWAYS AS IDENTITY CONSTRAINT accounts_pkey PRIMARY KEY,
  customer_id    integer NOT NULL CONSTRAINT accounts_customer_id_key UNIQUE
                 CONSTRAINT accounts_customer_id_fkey REFERENCES customers (id),
  balance_cents  bigint  NOT NULL CONSTRAINT accounts_balance_cents_check CHECK (balance_cents >= 0),
  version        integer NOT NULL DEFAULT 1
);

CREATE TABLE transfers (
  id               integer GENERATED ALWAYS AS IDENTITY CONSTRAINT transfers_pkey PRIMARY KEY,
  from_account_id  integer     NOT NULL CONSTRAINT transfers_from_account_id_fkey REFERENCES accounts (id),
  to_account_id    integer     NOT NULL CONSTRAINT transfers_to_account_id_fkey REFERENCES accounts (id),
  amount_cents     bigint      NOT NULL CONSTRAINT transfers_amount_cents_check CHECK (amount_cents > 0),
  idempotency_key  text        NOT NULL CONSTRAINT transfers_idempotency_key_key UNIQUE,
  created_at       timestamptz NOT NULL DEFAULT now()
);
