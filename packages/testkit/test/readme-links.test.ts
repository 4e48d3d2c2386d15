import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const implementations = readdirSync(packagesDir).filter(
  (d) => d.startsWith('impl-') && existsSync(join(packagesDir, d, 'README.md')),
);

// Each implementation README maps contract methods to `file:line` links; they must point at the method.
describe.each(implementations)('%s README', (dir) => {
  test('every `name` [file:line] link points at a line that mentions that name', () => {
    const readme = readFileSync(join(packagesDir, dir, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/`(\w+)`[^`\n]*?\[?((?:src|test)\/[\w/.-]+\.ts):(\d+)/g)];
    expect(links.length).toBeGreaterThanOrEqual(16);
    const wrong = links.flatMap(([, name, file, line]) => {
      const path = join(packagesDir, dir, file!);
      const text = existsSync(path) ? readFileSync(path, 'utf8').split('\n')[Number(line) - 1] : undefined;
      return text?.includes(name!) ? [] : [`${name} -> ${file}:${line} (${text?.trim() ?? 'no such line'})`];
    });
    expect(wrong).toEqual([]);
  });
});
