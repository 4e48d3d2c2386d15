import { startServer } from '@dal/db';
import type { TestProject } from 'vitest/node';
import './provided-context';

/**
 * One PostgreSQL per test run: DATABASE_URL when set, otherwise an embedded PostgreSQL 18 in a scratch
 * directory, stopped (and deleted) when the run ends or is interrupted.
 */
export default async function setup(project: TestProject) {
  const server = await startServer();
  project.provide('dalAdminUrl', server.adminUrl);
  project.provide('dalServerKind', server.kind);
  project.provide('dalServerVersion', server.version);
  return async () => {
    await server.stop();
  };
}
