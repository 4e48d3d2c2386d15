import type { BenchDatabase } from './database';
import { messageOf } from './errors';

/** The role every library (and pgbench) connects as, so statement counts leave out everyone else. */
export const LIBRARY_ROLE = 'dal_bench_libraries';

export interface LibraryRole {
  /** The benchmark database's URL as that role (same host, port and password as the harness's). */
  url: string;
  /** The role whose statements are counted. */
  role: string;
  /** false: the server's user may not create roles, so the libraries share the harness's role. */
  own: boolean;
  /** Why the libraries share the harness's role. */
  note?: string;
}

/** `url` with its user replaced by `role` (the password stays: the role is given the same one). */
export function asRole(url: string, role: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  return u.toString();
}

const DUPLICATE_OBJECT = '42710';
const UNIQUE_VIOLATION = '23505'; // two runs creating the role at once can also collide on pg_authid's index

/**
 * Creates (once) the role the libraries connect as and grants it the data of the benchmark database, and
 * nothing else: pg_stat_statements then counts the libraries' statements by role as well as by database,
 * so the harness's own reads and resets, a second run's harness or a user's psql session on the same
 * database are never counted as a library's. Where the server's user may not create roles (a managed
 * database), the libraries keep that user, and environment.json says that counts are per database only.
 */
export async function libraryRole(db: BenchDatabase): Promise<LibraryRole> {
  const client = await db.pool.connect();
  try {
    const { rows } = await client.query<{ user: string; exists: boolean }>(
      'SELECT current_user AS user, EXISTS (SELECT FROM pg_roles WHERE rolname = $1) AS exists',
      [LIBRARY_ROLE],
    );
    const { user, exists } = rows[0]!;
    try {
      if (!exists) {
        await client.query(`CREATE ROLE ${LIBRARY_ROLE} LOGIN`).catch((error: { code?: string }) => {
          if (error.code !== DUPLICATE_OBJECT && error.code !== UNIQUE_VIOLATION) throw error;
        });
      }
      const password = decodeURIComponent(new URL(db.url).password);
      if (password)
        await client.query(`ALTER ROLE ${LIBRARY_ROLE} PASSWORD ${client.escapeLiteral(password)}`);
      await client.query(`GRANT CONNECT ON DATABASE ${client.escapeIdentifier(db.name)} TO ${LIBRARY_ROLE}`);
      await client.query(`GRANT USAGE ON SCHEMA public TO ${LIBRARY_ROLE}`);
      await client.query(
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${LIBRARY_ROLE}`,
      );
      await client.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${LIBRARY_ROLE}`);
      return { url: asRole(db.url, LIBRARY_ROLE), role: LIBRARY_ROLE, own: true };
    } catch (error) {
      return {
        url: db.url,
        role: user,
        own: false,
        note: `the libraries connect as ${user}, the harness's role (${messageOf(error)}): counts are per database only`,
      };
    }
  } finally {
    client.release();
  }
}
