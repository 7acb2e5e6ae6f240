/**
 * The imports of TypeScript sources, read with the TypeScript parser (not a regex, so comments and
 * strings never count): static `import … from`, side-effect `import '…'`, `export … from`, dynamic
 * `import('…')` and type-position `import('…')`. Relative specifiers are resolved to files; bare
 * ones (`node:fs`, `fastify`) are kept as packages.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

export type ImportForm = 'import' | 'import type' | 'export from' | 'export type from' | 'dynamic import';

export interface ImportEdge {
  /** The importing file, relative to the repository root, with `/` separators (`src/core/ids.ts`). */
  from: string;
  line: number;
  /** The specifier as written; undefined for a dynamic import whose argument is not a string literal. */
  specifier: string | undefined;
  form: ImportForm;
  /** True when the import is erased at runtime (`import type`, `export type`, `typeof import('…')`). */
  typeOnly: boolean;
  /** The resolved file (relative to the root) for a relative specifier; undefined for a package. */
  target: string | undefined;
}

/** Every `.ts` and `.tsx` file under `dir` (relative to `root`), sorted. */
export function sourceFilesUnder(root: string, dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(toPosix(root, child));
    }
  };
  walk(join(root, dir));
  return found.sort();
}

function toPosix(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/**
 * Resolves a relative specifier as Node with type stripping does (the extension is written), also
 * accepting an extensionless path or a folder's `index.ts` so a mistake is reported, not missed.
 * @returns the file relative to `root`, or undefined when nothing is there.
 */
export function resolveSpecifier(root: string, from: string, specifier: string): string | undefined {
  const base = resolve(root, dirname(from), specifier);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return toPosix(root, candidate);
  }
  return undefined;
}

/**
 * The imports of one source text. `resolveTarget` maps a relative specifier to a file (tests pass a
 * fake one to check planted sources without touching the disk).
 */
export function importsOf(
  file: string,
  text: string,
  resolveTarget: (from: string, specifier: string) => string | undefined,
): ImportEdge[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const edges: ImportEdge[] = [];
  const add = (node: ts.Node, specifierNode: ts.Node | undefined, form: ImportForm, typeOnly: boolean) => {
    const specifier = specifierNode && ts.isStringLiteralLike(specifierNode) ? specifierNode.text : undefined;
    const relativePath = specifier?.startsWith('.') ?? false;
    edges.push({
      from: file,
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
      specifier,
      form,
      typeOnly,
      target: specifier !== undefined && relativePath ? resolveTarget(file, specifier) : undefined,
    });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const typeOnly = node.importClause?.isTypeOnly ?? false;
      add(node, node.moduleSpecifier, typeOnly ? 'import type' : 'import', typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      add(node, node.moduleSpecifier, node.isTypeOnly ? 'export type from' : 'export from', node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly ? 'import type' : 'import', node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], 'dynamic import', false);
    } else if (ts.isImportTypeNode(node)) {
      const argument = ts.isLiteralTypeNode(node.argument) ? node.argument.literal : undefined;
      add(node, argument, 'import type', true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The imports of every file, read from disk under `root`. */
export function importGraph(root: string, files: readonly string[]): ImportEdge[] {
  const resolveTarget = (from: string, specifier: string) => resolveSpecifier(root, from, specifier);
  return files.flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8'), resolveTarget));
}
