import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { messageOf, UsageError } from '../../errors';
import { loadRun } from '../../run-data';
import { reportPage } from './index';

/** `pnpm bench:report <run-dir>`: rebuilds index.html of a results directory from its files, running nothing. */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      'usage: pnpm bench:report <run-dir>  (rebuilds <run-dir>/index.html from raw.json)\n',
    );
    return 0;
  }
  const dirs = argv.filter((a) => !a.startsWith('-'));
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown) throw new UsageError(`unknown option ${unknown} (see --help)`);
  if (dirs.length !== 1) throw new UsageError('bench:report takes one results directory (see --help)');
  const began = performance.now();
  // pnpm runs the script at the repository root; the path is the user's, relative to where they typed it
  const run = loadRun(resolve(process.env.INIT_CWD ?? process.cwd(), dirs[0]!));
  const html = await reportPage(run);
  const file = join(run.dir, 'index.html');
  await writeFile(`${file}.tmp`, html);
  await rename(`${file}.tmp`, file);
  process.stdout.write(
    `${file}: ${Math.round(Buffer.byteLength(html) / 1024)} KB (${Math.round(performance.now() - began)} ms)\n`,
  );
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench:report: ${messageOf(error)}\n`);
  if (!(error instanceof UsageError) && process.env.DAL_BENCH_DEBUG && error instanceof Error) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = 1;
}
