import { DatabaseSetupError } from '@dal/db';
import { BenchmarkError, messageOf, redactSecrets, UsageError } from './errors';
import { parseArgs } from './options';
import { Progress } from './progress';
import { removePendingResults } from './report/write';
import { run } from './run';

const PREFIX = 'pnpm bench:';
const interrupt = new AbortController();
const progress = new Progress();

process.on('SIGINT', () => {
  if (interrupt.signal.aborted) return;
  // the server terminating the libraries' connections makes their pools emit errors nobody listens to now
  process.on('uncaughtException', () => {});
  interrupt.abort();
  progress.stop();
  removePendingResults();
  process.stderr.write(`\n${PREFIX} interrupted, no results written\n`);
  // run() stops the scenario process and the server, then main() settles and the process exits with 130;
  // should that hang, exit anyway (the embedded server's own process stops it when this one is gone)
  setTimeout(() => process.exit(130), 15_000).unref();
});

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return 0;
  }
  return run(parsed.options, { progress, signal: interrupt.signal });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(interrupt.signal.aborted ? 130 : code),
  (error: unknown) => {
    if (interrupt.signal.aborted) process.exit(130);
    const known =
      error instanceof UsageError || error instanceof DatabaseSetupError || error instanceof BenchmarkError;
    process.stderr.write(`${PREFIX} ${redactSecrets(messageOf(error))}\n`);
    if (!known && process.env.DAL_BENCH_DEBUG && error instanceof Error) {
      process.stderr.write(`${redactSecrets(error.stack ?? '')}\n`);
    }
    process.exit(1);
  },
);
