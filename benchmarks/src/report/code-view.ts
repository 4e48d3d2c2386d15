import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The code view's source: each contract method of each implementation, cut out of packages/impl-<id>/src
 * with the TypeScript compiler API (parsed, not type-checked: no module resolution, so it is fast and needs
 * no generated client), with the helpers it uses from its own package folded in below it. Nothing is
 * hand-copied, so the page cannot drift from the code.
 */

/** One declaration cut out of a source file. */
export interface CodeBlock {
  /** Unique within the implementation: `<file>#<name>`. */
  id: string;
  /** The contract method, or the helper's name (`Class.member` for a class member). */
  name: string;
  kind: 'method' | 'helper';
  /** Path from the repository root, e.g. packages/impl-pg/src/repository.ts. */
  file: string;
  /** 1-based line of the declaration's first line (its doc comment included). */
  line: number;
  /** The declaration's text, dedented. */
  code: string;
  escapeHatches: EscapeHatchMark[];
}

/** A `// escape hatch: <label>: <why>` comment inside a block. */
export interface EscapeHatchMark {
  label: string;
  reason: string;
  /** 0-based lines of the comment within the block. */
  lines: number[];
}

export interface ImplementationCode {
  id: string;
  /** packages/impl-<id>, from the repository root. */
  dir: string;
  blocks: Record<string, CodeBlock>;
  /** Contract method -> block ids: the method first, then the helpers it uses, breadth first. */
  methods: Record<string, string[]>;
}

const ESCAPE_HATCH = /^\/\/\s*escape hatch:\s*([A-Za-z]+(?:\/[A-Za-z-]+)?):\s*(.*)$/;

/** Where the source is read: the working tree, or one commit of the repository. Paths are absolute. */
export interface SourceReader {
  /** A description for the page: the commit's full sha, or null for the working tree. */
  readonly commit: string | null;
  /** Every .ts file under `dir` (declaration files excluded). */
  files(dir: string): string[];
  read(file: string): string;
  exists(path: string): boolean;
}

export function workingTree(): SourceReader {
  const files = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) return files(path);
          return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
        })
      : [];
  return { commit: null, files, read: (file) => readFileSync(file, 'utf8'), exists: existsSync };
}

/** The source as committed at `revision` (git ls-tree and git show): what a commit holds, nothing uncommitted. */
export function gitRevision(root: string, revision: string): SourceReader {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const commit = git(['rev-parse', '--verify', `${revision}^{commit}`]).trim();
  const paths = git(['ls-tree', '-r', '--name-only', commit, '--', 'packages'])
    .split('\n')
    .filter(Boolean)
    .map((p) => join(root, p));
  const known = new Set(paths);
  const cache = new Map<string, string>();
  return {
    commit,
    files: (dir) => paths.filter((p) => p.startsWith(`${dir}/`) && p.endsWith('.ts') && !p.endsWith('.d.ts')),
    read(file) {
      let text = cache.get(file);
      if (text === undefined) {
        text = git(['show', `${commit}:${relative(root, file)}`]);
        cache.set(file, text);
      }
      return text;
    },
    exists: (path) => known.has(path) || paths.some((p) => p.startsWith(`${path}/`)),
  };
}

/** The members of `ShopRepository` in packages/core/src/repository.ts, in declaration order. */
export function contractMethods(root: string, source: SourceReader = workingTree()): string[] {
  const file = join(root, 'packages/core/src/repository.ts');
  const sf = ts.createSourceFile(file, source.read(file), ts.ScriptTarget.Latest, true);
  for (const statement of sf.statements) {
    if (ts.isInterfaceDeclaration(statement) && statement.name.text === 'ShopRepository') {
      return statement.members.flatMap((m) => (m.name && ts.isIdentifier(m.name) ? [m.name.text] : []));
    }
  }
  throw new Error(`${file} declares no ShopRepository interface`);
}

type Declaration = { node: ts.Node; name: string; sf: ts.SourceFile; cls?: ts.ClassDeclaration };

interface ParsedFile {
  sf: ts.SourceFile;
  /** Top-level functions and function-valued constants by name. */
  functions: Map<string, Declaration>;
  /** Local name -> [absolute file, exported name] for relative imports. */
  imports: Map<string, [string, string]>;
}

/** A function, or a table of them (an object literal with a method or function-valued property). */
function isFunctionLike(node: ts.Node | undefined): boolean {
  if (!node) return false;
  if (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) {
    return isFunctionLike(node.expression);
  }
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return true;
  return (
    ts.isObjectLiteralExpression(node) &&
    node.properties.some(
      (p) =>
        ts.isMethodDeclaration(p) ||
        ts.isShorthandPropertyAssignment(p) ||
        (ts.isPropertyAssignment(p) && isFunctionLike(p.initializer)),
    )
  );
}

function parseFile(path: string, source: SourceReader): ParsedFile {
  const sf = ts.createSourceFile(path, source.read(path), ts.ScriptTarget.Latest, true);
  const functions = new Map<string, Declaration>();
  const imports = new Map<string, [string, string]>();
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      functions.set(statement.name.text, { node: statement, name: statement.name.text, sf });
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && isFunctionLike(d.initializer)) {
          functions.set(d.name.text, { node: statement, name: d.name.text, sf });
        }
      }
    } else if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('.')
    ) {
      const base = resolve(dirname(path), statement.moduleSpecifier.text.replace(/\.(js|ts)$/, ''));
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => source.exists(f));
      const bindings = statement.importClause?.namedBindings;
      if (target && bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          imports.set(el.name.text, [target, (el.propertyName ?? el.name).text]);
        }
      }
    }
  }
  return { sf, functions, imports };
}

const implementsShopRepository = (cls: ts.ClassDeclaration) =>
  cls.heritageClauses?.some((h) => h.types.some((t) => t.expression.getText() === 'ShopRepository')) ?? false;

/** Text of a declaration with its doc comment, dedented by the column it starts at. */
function blockText(node: ts.Node, sf: ts.SourceFile): { code: string; line: number } {
  const start = node.getStart(sf, true);
  const { line, character } = sf.getLineAndCharacterOfPosition(start);
  const lines = sf.text.slice(start, node.getEnd()).split('\n');
  const indent = ' '.repeat(character);
  const code = lines.map((l, i) => (i > 0 && l.startsWith(indent) ? l.slice(character) : l)).join('\n');
  return { code, line: line + 1 };
}

/** Escape-hatch comments of a block: the labelled line and the `//` lines continuing it. */
export function escapeHatchMarks(code: string): EscapeHatchMark[] {
  const lines = code.split('\n');
  const marks: EscapeHatchMark[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = ESCAPE_HATCH.exec(lines[i]!.trim());
    if (!match) continue;
    const mark: EscapeHatchMark = { label: match[1]!, reason: match[2]!.trim(), lines: [i] };
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!.trim();
      if (!next.startsWith('//') || ESCAPE_HATCH.test(next)) break;
      mark.reason += ` ${next.replace(/^\/\/\s?/, '').trim()}`;
      mark.lines.push(j);
    }
    marks.push(mark);
  }
  return marks;
}

/**
 * Extracts every contract method of packages/impl-<id>/src. A helper is a function (declaration or
 * function-valued const) of the same package that the code names, or a member of the repository class it
 * reaches through `this` that is not itself a contract method; helpers' helpers are folded in too.
 */
export function extractImplementation(
  root: string,
  id: string,
  methods: readonly string[],
  source: SourceReader = workingTree(),
): ImplementationCode {
  const dir = join(root, 'packages', `impl-${id}`);
  const files = new Map(source.files(join(dir, 'src')).map((f) => [f, parseFile(f, source)]));
  const contract = new Set(methods);
  const blocks: Record<string, CodeBlock> = {};
  const result: ImplementationCode = { id, dir: relative(root, dir), blocks, methods: {} };

  const classes = [...files.values()].flatMap(({ sf }) =>
    sf.statements.filter(ts.isClassDeclaration).map((cls) => ({ cls, sf })),
  );
  const repoClass = classes.find(({ cls }) => implementsShopRepository(cls)) ?? classes[0];
  const member = (cls: ts.ClassDeclaration, name: string) =>
    cls.members.find(
      (m) => m.name && ts.isIdentifier(m.name) && m.name.text === name && !ts.isPropertySignature(m),
    );

  const blockOf = (decl: Declaration, kind: CodeBlock['kind']): CodeBlock => {
    const file = relative(root, decl.sf.fileName);
    const blockId = `${file}#${decl.name}`;
    const existing = blocks[blockId];
    if (existing) return existing;
    const { code, line } = blockText(decl.node, decl.sf);
    const block = {
      id: blockId,
      name: decl.name,
      kind,
      file,
      line,
      code,
      escapeHatches: escapeHatchMarks(code),
    };
    blocks[blockId] = block;
    return block;
  };

  /** Declarations a node names: package functions, and `this.member` of its class. */
  const referenced = (decl: Declaration): Declaration[] => {
    const file = files.get(decl.sf.fileName)!;
    const found: Declaration[] = [];
    const visit = (node: ts.Node) => {
      if (
        ts.isPropertyAccessExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ThisKeyword &&
        decl.cls &&
        !contract.has(node.name.text)
      ) {
        const m = member(decl.cls, node.name.text);
        if (
          m &&
          (ts.isMethodDeclaration(m) || (ts.isPropertyDeclaration(m) && isFunctionLike(m.initializer)))
        ) {
          found.push({
            node: m,
            name: `${decl.cls.name?.text ?? 'class'}.${node.name.text}`,
            sf: decl.sf,
            cls: decl.cls,
          });
        } else if (m && ts.isPropertyDeclaration(m)) {
          // a property built by a package function (this.reads = preparePointReads(...)): that function
          for (const value of propertyValues(decl.cls, node.name.text)) {
            const from = { ...decl, node: value };
            for (const d of referenced(from)) found.push(d);
          }
        }
      } else if (ts.isIdentifier(node) && !isDeclarationName(node) && !isPropertyName(node)) {
        const local = file.functions.get(node.text);
        const imported = file.imports.get(node.text);
        if (local && local.node !== decl.node) found.push(local);
        else if (imported) {
          const target = files.get(imported[0])?.functions.get(imported[1]);
          if (target) found.push(target);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(decl.node);
    return found;
  };

  for (const method of methods) {
    const found = repoClass ? member(repoClass.cls, method) : undefined;
    if (!found || !repoClass) continue;
    const root: Declaration = { node: found, name: method, sf: repoClass.sf, cls: repoClass.cls };
    const ids = [blockOf(root, 'method').id];
    const queue = [root];
    const seen = new Set<ts.Node>([found]);
    while (queue.length) {
      for (const next of referenced(queue.shift()!)) {
        if (seen.has(next.node)) continue;
        seen.add(next.node);
        ids.push(blockOf(next, 'helper').id);
        queue.push(next);
      }
    }
    result.methods[method] = ids;
  }
  return result;
}

/** The expressions a class property is initialised with: its initializer and `this.name = ...` in the constructor. */
function propertyValues(cls: ts.ClassDeclaration, name: string): ts.Expression[] {
  const values: ts.Expression[] = [];
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === name && m.initializer) {
      values.push(m.initializer);
    }
    if (ts.isConstructorDeclaration(m) && m.body) {
      const visit = (node: ts.Node) => {
        if (
          ts.isBinaryExpression(node) &&
          node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
          ts.isPropertyAccessExpression(node.left) &&
          node.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
          node.left.name.text === name
        ) {
          values.push(node.right);
        }
        ts.forEachChild(node, visit);
      };
      visit(m.body);
    }
  }
  return values;
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isFunctionDeclaration(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isBindingElement(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isImportSpecifier(parent)) &&
    parent.name === node
  );
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    ts.isTypeReferenceNode(parent) ||
    ts.isQualifiedName(parent)
  );
}
