import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const implementations = readdirSync(packagesDir).filter(
  (d) => d.startsWith('impl-') && existsSync(join(packagesDir, d, 'README.md')),
);

const REFERENCE = /((?:src|test)\/[\w/.-]+\.ts):(\d+)/g;

// Each implementation README maps contract methods (and escape hatches) to `file:line`: every such reference
// names what it points at (the nearest `name` before it on the same line) and that line is where it is: the
// line mentions the method, or carries the `// escape hatch: <label>:` comment.
describe.each(implementations)('%s README', (dir) => {
  test('every file:line reference points at the line of the `name` before it', () => {
    const readme = readFileSync(join(packagesDir, dir, 'README.md'), 'utf8');
    const wrong: string[] = [];
    let references = 0;
    for (const row of readme.split('\n')) {
      for (const match of row.matchAll(REFERENCE)) {
        const [, file, line] = match;
        // a link's target (`src/x.ts#L12`) repeats the reference; only the text `src/x.ts:12` counts
        references++;
        const name = [...row.slice(0, match.index).matchAll(/`([\w/]+)`/g)].at(-1)?.[1];
        const path = join(packagesDir, dir, file!);
        const text = existsSync(path) ? readFileSync(path, 'utf8').split('\n')[Number(line) - 1] : undefined;
        const ok =
          name !== undefined &&
          text !== undefined &&
          (name.includes('/') ? text.includes(`// escape hatch: ${name}:`) : text.includes(name));
        if (!ok) wrong.push(`${name ?? '(no name)'} -> ${file}:${line} (${text?.trim() ?? 'no such line'})`);
      }
    }
    expect(references).toBeGreaterThanOrEqual(16);
    expect(wrong).toEqual([]);
  });
});
