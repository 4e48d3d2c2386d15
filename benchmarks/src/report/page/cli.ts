import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { messageOf, UsageError } from '../../errors';
import { loadRun } from '../../run-data';
import { gitRevision } from '../code-view';
import { REPO_ROOT, reportPage } from './index';

/** `pnpm bench:report <run-dir>`: rebuilds index.html of a results directory from its files, running nothing. */
const USAGE = `usage: pnpm bench:report <run-dir> [--source <git revision>]
  rebuilds <run-dir>/index.html from its raw.json and environment.json, running nothing
  --source <rev>  take the code view's source from that commit (e.g. HEAD for a page to commit) instead of
                  the working tree
`;

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  const dirs: string[] = [];
  let source: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--source' || arg.startsWith('--source=')) {
      source = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!source) throw new UsageError('--source needs a git revision (see --help)');
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg} (see --help)`);
    else dirs.push(arg);
  }
  if (dirs.length !== 1) throw new UsageError('bench:report takes one results directory (see --help)');
  if (source) {
    try {
      gitRevision(REPO_ROOT, source);
    } catch {
      throw new UsageError(`--source ${source}: not a commit of this repository`);
    }
  }
  const began = performance.now();
  // pnpm runs the script at the repository root; the path is the user's, relative to where they typed it
  const run = loadRun(resolve(process.env.INIT_CWD ?? process.cwd(), dirs[0]!));
  const html = await reportPage(run, { source });
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
