import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors';
import { checkOutDir, writeResultsOrFallback } from '../src/report/write';

// Issue 16: a finished run is never lost — an unusable --out is refused before anything is measured, and a
// results directory that cannot be written at the end falls back to another one.
const scratch = mkdtempSync(join(tmpdir(), 'dal-write-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
// a regular file where a directory would have to be: unwritable for every user, root included
const file = join(scratch, 'a-file');
writeFileSync(file, 'x');

describe('--out is checked before the run', () => {
  it('a path below a regular file is a UsageError that says it is not writable', () => {
    expect(() => checkOutDir(join(file, 'results'))).toThrow(UsageError);
    expect(() => checkOutDir(join(file, 'deeper', 'results'))).toThrow(/is not writable .*nothing was run/);
  });

  it('a new directory (also several levels deep) or an empty one is fine, and nothing is left behind', () => {
    expect(checkOutDir(join(scratch, 'new', 'deeper'))).toBe(join(scratch, 'new', 'deeper'));
    expect(existsSync(join(scratch, 'new'))).toBe(false);
  });
});

describe('writeResultsOrFallback', () => {
  const files = { 'raw.json': '{"a":1}\n', 'summary.md': '# s\n' };

  it('writes to the directory when it can', async () => {
    const dir = join(scratch, 'ok');
    expect(await writeResultsOrFallback(dir, files, join(scratch, 'fallback'))).toEqual({ dir });
    expect(readFileSync(join(dir, 'raw.json'), 'utf8')).toBe(files['raw.json']);
  });

  it('writes to the fallback directory, and says why, when the directory cannot be written', async () => {
    const fallbackRoot = join(scratch, 'fallback');
    const first = await writeResultsOrFallback(join(file, 'run'), files, fallbackRoot);
    expect(first.dir).toBe(join(fallbackRoot, 'run'));
    expect(first.failed).toMatch(/ENOTDIR|EEXIST|not a directory/);
    expect(readFileSync(join(first.dir, 'summary.md'), 'utf8')).toBe(files['summary.md']);
    // a second lost run of the same name does not overwrite the first
    const second = await writeResultsOrFallback(join(file, 'run'), files, fallbackRoot);
    expect(second.dir).toBe(join(fallbackRoot, 'run-2'));
  });
});
