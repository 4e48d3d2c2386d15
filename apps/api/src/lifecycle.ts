import { DatabaseSetupError } from '@dal/db';
import { UsageError } from './implementations';

/** What a process opened (server, repositories, apps), closed in reverse order on exit or Ctrl-C. */
export class Resources {
  private readonly open = new Set<() => Promise<unknown>>();

  /** Registers `close` and returns a function that runs it once, now, and forgets it. */
  add(close: () => Promise<unknown>): () => Promise<void> {
    this.open.add(close);
    return async () => {
      if (this.open.delete(close)) await close();
    };
  }

  async closeAll(): Promise<void> {
    for (const close of [...this.open].reverse()) {
      this.open.delete(close);
      await close().catch(() => {});
    }
  }
}

/** An idle pooled connection the server closed (shutdown, restart, terminated backend). */
function isLostConnection(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (typeof code === 'string' && (code.startsWith('57P') || code === 'ECONNRESET')) ||
    (typeof message === 'string' && message.startsWith('Connection terminated'))
  );
}

/**
 * SIGINT/SIGTERM close `resources` and exit. A lost idle database connection is reported, not fatal:
 * node-postgres pools re-emit an idle client's error and the implementations attach no listener, so a
 * server shutting down (Ctrl-C reaches the embedded postgres too) or restarting would otherwise crash the
 * process with a stack trace; the pool has already dropped that client and opens a new one when needed.
 */
export function closeOnSignals(resources: Resources, name: string): void {
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    void resources.closeAll().then(() => process.exit(code));
  };
  process.on('uncaughtException', (error) => {
    if (isLostConnection(error)) {
      if (!stopping)
        console.error(`${name}: a database connection was closed by the server: ${error.message}`);
      return;
    }
    console.error(error);
    stop(1);
  });
  process.once('SIGINT', () => stop(130));
  process.once('SIGTERM', () => stop(143));
}

/** Closes `resources` and exits 1: one line for a mistake the user can fix, the full error for a bug. */
export async function fail(resources: Resources, name: string, error: unknown): Promise<never> {
  await resources.closeAll();
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof UsageError || error instanceof DatabaseSetupError) {
    console.error(`${name}: ${error.message}`);
  } else if (code === 'EADDRINUSE' || code === 'EACCES') {
    console.error(`${name}: cannot listen: ${(error as Error).message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
}
