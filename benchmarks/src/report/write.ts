import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors';

export const RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

/** Directories being written: removed if the run is interrupted, so no half-written results stay behind. */
const pending = new Set<string>();

export function removePendingResults(): void {
  for (const dir of pending) rmSync(dir, { recursive: true, force: true });
  pending.clear();
}

/** Checks --out before anything runs: it may not exist yet, or be an empty directory; either way writable. */
export function checkOutDir(out: string): string {
  const dir = resolve(out);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UsageError(`--out ${out} already exists and is not empty`);
  }
  checkWritable(dir, `--out ${out}`);
  return dir;
}

/**
 * Throws UsageError unless a directory could be created and written at `dir`: writeResults creates a sibling
 * of it and renames that into place, so the nearest existing ancestor must take a new directory. Tried for
 * real (a scratch directory made and removed), as permission bits do not tell (root, read-only mounts).
 */
export function checkWritable(dir: string, what: string): void {
  let existing = dirname(dir);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  try {
    if (!statSync(existing).isDirectory()) throw new Error(`${existing} is not a directory`);
    rmSync(mkdtempSync(join(existing, '.dal-write-check-')), { recursive: true, force: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${what} is not writable (${reason}); nothing was run`);
  }
}

/** Where results go when their directory cannot be written at the end of a run. */
export const FALLBACK_RESULTS_DIR = join(tmpdir(), 'dal-bench-results');

/**
 * writeResults to `dir`, or, when that fails (the disk filled up, the directory was removed or made
 * read-only during the run), to FALLBACK_RESULTS_DIR/<name of dir>: a finished run is not lost. Returns where
 * the results are and, after a fallback, why `dir` failed.
 */
export async function writeResultsOrFallback(
  dir: string,
  files: Record<string, string>,
  fallbackRoot = FALLBACK_RESULTS_DIR,
): Promise<{ dir: string; failed?: string }> {
  try {
    return { dir: await writeResults(dir, files) };
  } catch (error) {
    const failed = error instanceof Error ? error.message : String(error);
    let fallback = join(fallbackRoot, basename(dir));
    for (let n = 2; existsSync(fallback); n++) fallback = join(fallbackRoot, `${basename(dir)}-${n}`);
    return { dir: await writeResults(fallback, files), failed };
  }
}

/** benchmarks/results/<date>-<sha>, with -2, -3... when a run of the same day and commit is already there. */
export function defaultOutDir(date: Date, sha: string): string {
  const base = join(RESULTS_DIR, `${date.toISOString().slice(0, 10)}-${sha}`);
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  return dir;
}

async function writeWhole(file: string, content: string): Promise<void> {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

/**
 * Writes every file into a temporary sibling directory, then renames it to `dir`: a reader sees the whole
 * results directory or none.
 */
export async function writeResults(dir: string, files: Record<string, string>): Promise<string> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${basename(dir)}.partial-${process.pid}`);
  pending.add(temp);
  try {
    await rm(temp, { recursive: true, force: true });
    await mkdir(temp);
    for (const [name, content] of Object.entries(files)) await writeWhole(join(temp, name), content);
    // an empty --out directory gives way; a non-empty one was refused before the run
    if (existsSync(dir)) await rmdir(dir);
    await rename(temp, dir);
    return dir;
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  } finally {
    pending.delete(temp);
  }
}
