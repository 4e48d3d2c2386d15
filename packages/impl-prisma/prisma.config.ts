import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';

// `prisma generate` needs no schema engine, but the CLI resolves (and offline, fails to download) its binary
// unless this variable names an existing file; any file will do since generation never runs it.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  // only used by CLI commands that connect (db pull, migrate), never by generate or the repository
  datasource: { url: process.env.DATABASE_URL ?? 'postgres://placeholder@localhost/placeholder' },
});
