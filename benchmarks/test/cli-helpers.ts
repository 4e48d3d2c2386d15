import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the benchmark CLI as `pnpm bench` does (tsx src/cli.ts), in a child process. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'pnpm',
      // under the 240 s of the end-to-end run: 5 rounds of every scenario on a shared 2-core machine
      ['exec', 'tsx', 'src/cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, CI: '1', ...env }, timeout: 230_000, maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** stderr without the warnings npm prints about the environment's own configuration. */
export const errorLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
