import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImplementationMeta } from '@dal/core';
import { ADJUST_STRATEGIES, BULK_METHODS, LOAD_STRATEGIES } from '@dal/core';
import { describe, expect, test } from 'vitest';

// The escape-hatch rule (README.md, "Escape hatches"): per label `method/variant`, exactly one
// `// escape hatch: <label>: <why>` comment in src/, exactly one meta.escapeHatches entry, and the label in
// the package README. Runs for every packages/impl-* that has a src/index.ts, including ones added later.

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const implementations = readdirSync(packagesDir)
  .filter((d) => existsSync(join(packagesDir, d, 'src', 'index.ts')))
  .filter((d) => d.startsWith('impl-'));

/** The contract's method names, read from the ShopRepository interface. */
const contractMethods = (() => {
  const source = readFileSync(join(packagesDir, 'core', 'src', 'repository.ts'), 'utf8');
  const body = source.slice(source.indexOf('export interface ShopRepository'));
  return new Set([...body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]!));
})();
const variants = new Set<string>([...LOAD_STRATEGIES, ...BULK_METHODS, ...ADJUST_STRATEGIES]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const COMMENT = /^\s*\/\/ escape hatch: ([\w/]+): \S/;

describe.each(implementations)('%s escape hatches', (dir) => {
  const src = join(packagesDir, dir, 'src');
  const comments = sourceFiles(src).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) =>
        /escape hatch/i.test(line) ? [{ where: `${file.slice(src.length + 1)}:${index + 1}`, line }] : [],
      ),
  );

  test('every mention is a `// escape hatch: <label>: <why>` comment with a `method/variant` label', () => {
    const malformed = comments.filter(({ line }) => {
      const label = COMMENT.exec(line)?.[1];
      if (!label) return true;
      const [method, variant, ...rest] = label.split('/');
      return (
        !contractMethods.has(method!) || (variant !== undefined && !variants.has(variant)) || rest.length
      );
    });
    expect(malformed.map((c) => `${c.where}: ${c.line.trim()}`)).toEqual([]);
  });

  test('one comment per label, one meta entry per label, the same labels both ways, all in the README', async () => {
    const { meta } = (await import(join(src, 'index.ts'))) as { meta: ImplementationMeta };
    const commentLabels = comments.flatMap(({ line }) => COMMENT.exec(line)?.[1] ?? []);
    const metaLabels = meta.escapeHatches.map((h) => h.method);
    const duplicates = (labels: string[]) => labels.filter((l, i) => labels.indexOf(l) !== i);
    expect(duplicates(commentLabels), 'labels with more than one comment').toEqual([]);
    expect(duplicates(metaLabels), 'labels with more than one meta entry').toEqual([]);
    expect([...metaLabels].sort(), 'meta.escapeHatches vs comments in src/').toEqual(
      [...commentLabels].sort(),
    );
    expect(
      meta.escapeHatches.filter((h) => h.reason.trim().length < 10),
      'entries without a reason',
    ).toEqual([]);
    const readme = join(packagesDir, dir, 'README.md');
    if (existsSync(readme) || metaLabels.length > 0) {
      const text = readFileSync(readme, 'utf8');
      expect(
        metaLabels.filter((l) => !text.includes(`\`${l}\``)),
        'labels missing from README.md',
      ).toEqual([]);
    }
  });
});
