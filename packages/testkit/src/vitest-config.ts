import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The vitest configuration every package with database tests uses. */
export const databaseTestConfig = defineConfig({
  test: {
    globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // each file has its own database; two files at a time keep a 2-core machine responsive
    maxWorkers: 2,
  },
});
