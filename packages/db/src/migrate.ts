import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The canonical schema/ folder at the repository root. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../../schema/', import.meta.url));

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = SCHEMA_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_.+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      return {
        version: file.replace(/\.sql$/, ''),
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

/** Hash of every migration: part of a seeded dataset's fingerprint. */
export function schemaVersion(migrations = loadMigrations()): string {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(`${m.version}:${m.checksum}\n`);
  return hash.digest('hex').slice(0, 12);
}

/**
 * Applies the migrations of schema/ that this database has not recorded yet, each in its own transaction,
 * under an advisory lock. Applying twice is a no-op; an applied migration whose file changed is an error.
 */
export async function migrate(connectionString: string, dir = SCHEMA_DIR): Promise<{ applied: string[] }> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('dal_schema_migrations'))");
    await client.query(`CREATE TABLE IF NOT EXISTS dal_schema_migrations (
      version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: string; checksum: string }>(
      'SELECT version, checksum FROM dal_schema_migrations',
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const applied: string[] = [];
    for (const m of loadMigrations(dir)) {
      const recorded = done.get(m.version);
      if (recorded === m.checksum) continue;
      if (recorded)
        throw new Error(`migration ${m.version} was applied with other contents; write a new migration`);
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO dal_schema_migrations (version, checksum) VALUES ($1, $2)', [
          m.version,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
      applied.push(m.version);
    }
    return { applied };
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('dal_schema_migrations'))").catch(() => {});
    await client.end();
  }
}
