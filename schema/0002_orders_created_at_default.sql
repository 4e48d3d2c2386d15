-- An order's created_at defaults to the database clock like every other creation time (customers,
-- transfers): an INSERT that leaves it out gets now(), with microseconds. Prisma's model declares it
-- @default(dbgenerated("now()")), so Prisma leaves it out instead of sending the application's clock.
ALTER TABLE orders ALTER COLUMN created_at SET DEFAULT now();
