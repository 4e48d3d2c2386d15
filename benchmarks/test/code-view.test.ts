import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPLEMENTATIONS } from '../src/registry';
import {
  contractMethods,
  escapeHatchMarks,
  extractImplementation,
  gitRevision,
} from '../src/report/code-view';
import { createCodeHighlighter } from '../src/report/page/highlight';
import { REPO_ROOT } from '../src/report/page/index';

describe('code view extraction', () => {
  const methods = contractMethods(REPO_ROOT);

  it('reads the contract methods from ShopRepository', () => {
    expect(methods).toEqual(
      expect.arrayContaining(['getProduct', 'transfer', 'recentOrdersWithDetails', 'close']),
    );
    expect(new Set(methods).size).toBe(methods.length);
  });

  it('finds every contract method in every registered implementation', () => {
    for (const { id } of IMPLEMENTATIONS) {
      const code = extractImplementation(REPO_ROOT, id, methods);
      expect(Object.keys(code.methods), id).toEqual(methods);
      for (const method of methods) {
        const first = code.blocks[code.methods[method]![0]!]!;
        expect(first, `${id} ${method}`).toMatchObject({ kind: 'method', name: method });
        expect(first.code, `${id} ${method}`).toMatch(new RegExp(`^(async )?${method}\\(`));
      }
    }
  });

  it('folds in the helpers a method uses from its own package, and only those', () => {
    const pg = extractImplementation(REPO_ROOT, 'pg', methods);
    const names = (method: string) => pg.methods[method]!.map((id) => pg.blocks[id]!.name);
    // transfer runs in withTransaction (transaction.ts) and maps rows with toTransfer (rows.ts)
    expect(names('transfer')).toEqual(expect.arrayContaining(['transfer', 'withTransaction', 'toTransfer']));
    const helper = pg.blocks[pg.methods.transfer!.find((id) => id.endsWith('#withTransaction'))!]!;
    expect(helper).toMatchObject({ kind: 'helper', file: 'packages/impl-pg/src/transaction.ts' });
    expect(helper.code).toMatch(/function withTransaction/);
    // the loading strategies are reached through the dispatch table in loading.ts
    expect(names('recentOrdersWithDetails')).toEqual(expect.arrayContaining(['loadOrderDetails']));
    // nothing from @dal/core or a library: those are not the package's code
    expect(names('transfer')).not.toContain('validate');
    expect(names('getProduct')).not.toContain('transfer');
  });

  it('reads a commit as well as the working tree (bench:report --source HEAD)', () => {
    const head = gitRevision(REPO_ROOT, 'HEAD');
    expect(head.commit).toMatch(/^[0-9a-f]{40}$/);
    const committed = contractMethods(REPO_ROOT, head);
    expect(committed).toContain('transfer');
    const pg = extractImplementation(REPO_ROOT, 'pg', committed, head);
    expect(Object.keys(pg.methods)).toEqual(committed);
    expect(pg.blocks[pg.methods.transfer![0]!]!.code).toMatch(/^async transfer\(/);
    expect(() => gitRevision(REPO_ROOT, 'no-such-revision')).toThrow();
  });

  it('marks escape hatches with their label and the lines of the comment', () => {
    const code = [
      'const a = 1;',
      '// escape hatch: insertOrderItems/unnest: no unnest API,',
      '// so the sql template writes it',
      'await sql`SELECT`;',
      '// an ordinary comment',
    ].join('\n');
    expect(escapeHatchMarks(code)).toEqual([
      {
        label: 'insertOrderItems/unnest',
        reason: 'no unnest API, so the sql template writes it',
        lines: [1, 2],
      },
    ]);
    const typeorm = extractImplementation(REPO_ROOT, 'typeorm', methods);
    const marks = typeorm.methods.transfer!.flatMap((id) => typeorm.blocks[id]!.escapeHatches);
    expect(marks.map((m) => m.label)).toContain('transfer');
  });

  it('highlights TypeScript with class names, template literals included', async () => {
    const h = await createCodeHighlighter();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: TypeScript source with a template literal, as text
    const [first, second] = h.lines('const a = `x ${b}`;\nreturn <T>(c);', 'typescript');
    // whitespace joins the span before it
    expect(first).toMatch(/^<span class=h\d+>const ?<\/span>/);
    // the template literal ends where it ends: `return` on the next line is a keyword again
    expect(second).toMatch(/^<span class=h\d+>return ?<\/span>/);
    expect(second).toContain('&lt;');
    expect(h.css()).toMatch(/\.h0\{color:#[0-9A-F]{6}/);
  });
});

describe('pnpm bench:report', () => {
  const report = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'pnpm',
        ['exec', 'tsx', 'src/report/page/cli.ts', ...args],
        { cwd: join(REPO_ROOT, 'benchmarks') },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });

  it('gives one line and exit code 1 for a path that is not a run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'dal-report-empty-'));
    try {
      for (const args of [['/nonexistent/run'], [empty], ['--source', 'no-such-revision', empty]]) {
        const result = await report(args);
        expect(result.code, args.join(' ')).toBe(1);
        const lines = result.stderr.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'));
        expect(lines, args.join(' ')).toHaveLength(1);
        expect(lines[0]).toMatch(
          args[0] === '--source'
            ? /^bench:report: --source no-such-revision: not a commit/
            : /^bench:report: /,
        );
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
