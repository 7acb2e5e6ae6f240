/**
 * Nothing slow or outside the store runs inside a transaction: no password hashing (tens of
 * milliseconds of CPU while SQLite's write lock, or a PostgreSQL row lock, is held by the whole
 * node) and no network call (mail, HTTP), which a retried transaction (storage/transaction.ts)
 * would also repeat. Every callback given to `inTransaction` or `withOrgLock` under src/ is read
 * with the TypeScript parser and may not call one of `forbidden`, directly or through a function
 * of the same file that it calls. The first block proves the checker on planted sources.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourceFilesUnder } from '../support/import-graph.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Calls that hash a password or leave the process. */
const forbidden = /^(hashPassword|verifyPassword|verifyAgainstDummy|fetch|sendMail|deliver\w*|request)$/;
const transactionRunners = new Set(['inTransaction', 'withOrgLock']);

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** `file:line name` for each forbidden call reachable from a transaction callback in `source`. */
function slowCallsInTransactions(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const localFunctions = new Map<string, ts.Node>();
  const collect = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) && node.name) localFunctions.set(node.name.text, node);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      if (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)) {
        localFunctions.set(node.name.text, node.initializer);
      }
    }
    ts.forEachChild(node, collect);
  };
  collect(file);
  const found: string[] = [];
  const scan = (node: ts.Node, seen: Set<string>) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name && forbidden.test(name)) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${fileName}:${line + 1} ${name}`);
      }
      const local = name && ts.isIdentifier(node.expression) ? localFunctions.get(name) : undefined;
      if (name && local && !seen.has(name)) scan(local, new Set([...seen, name]));
    }
    ts.forEachChild(node, (child) => scan(child, seen));
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && transactionRunners.has(calleeName(node) ?? '')) {
      for (const argument of node.arguments) {
        if (ts.isArrowFunction(argument) || ts.isFunctionExpression(argument)) scan(argument, new Set());
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

describe('the checker', () => {
  it('finds hashing and network calls in a transaction callback, also one local call away', () => {
    const planted = `
      async function remember(tx) { await fetch('https://example.com'); }
      await inTransaction(db, async (tx) => { await hashPassword(p); await remember(tx); });
      await withOrgLock(ctx, org, async (tx) => ctx.mailer.sendMail(m));
      await hashPassword(outside);`;
    expect(slowCallsInTransactions('planted.ts', planted)).toEqual([
      'planted.ts:3 hashPassword',
      'planted.ts:2 fetch',
      'planted.ts:4 sendMail',
    ]);
  });
});

describe('transactions under src/', () => {
  it('hash no password and make no network call', () => {
    const files = sourceFilesUnder(root, 'src').filter((file) => !file.startsWith('src/web/'));
    const found = files.flatMap((file) =>
      slowCallsInTransactions(file, readFileSync(`${root}/${file}`, 'utf8')),
    );
    expect(found).toEqual([]);
    // The rule is checked where transactions are: there are some.
    const runners = files.filter((file) =>
      /\b(inTransaction|withOrgLock)\(/.test(readFileSync(`${root}/${file}`, 'utf8')),
    );
    expect(runners.length).toBeGreaterThan(5);
  });
});
