/**
 * The layers of ARCHITECTURE.md, pinned: arrows only point down,
 *
 *   core ← config ← storage ← services ← registry ← api ← cli
 *   core ← api/contract ← web (with `import type` only); api and cli import api/contract too
 *
 * Every `.ts`/`.tsx` file under src/ is parsed and each import it makes (static, type-only,
 * re-export, dynamic) is checked against the rule of its layer. The layers must not import each
 * other in a cycle, `src/services/` holds feature folders only, and no source file passes 400
 * lines (STYLE.md habit 13). The first block proves the checker on planted sources, so a checker
 * that sees nothing cannot pass.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ImportEdge, importGraph, importsOf, sourceFilesUnder } from './support/import-graph.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

type Layer = 'core' | 'config' | 'storage' | 'services' | 'registry' | 'contract' | 'api' | 'cli' | 'web';

interface LayerRule {
  /** Layers whose files it may import (its own always). */
  may: readonly Layer[];
  /** Layers it may import with `import type` / `export type` only. */
  typesOnly?: readonly Layer[];
  rule: string;
}

const below = {
  services: ['core', 'config', 'storage'],
  api: ['core', 'config', 'storage', 'services', 'registry', 'contract'],
} as const satisfies Record<string, readonly Layer[]>;

const layerRules: Record<Layer, LayerRule> = {
  core: { may: [], rule: 'core imports nothing from src outside core' },
  config: {
    may: ['core'],
    rule: 'config (src/config.ts, src/config/) imports only core (storage and everything above import config)',
  },
  storage: { may: ['core', 'config'], rule: 'storage imports only core and config' },
  services: { may: below.services, rule: 'services import only core, storage and config' },
  registry: {
    may: [...below.services, 'services'],
    rule: 'registry imports only core, storage, services and config',
  },
  contract: {
    may: ['core'],
    rule: 'api/contract imports only core (the console and the CLI import its types)',
  },
  api: { may: below.api, rule: 'api imports anything but cli and web' },
  cli: { may: [...below.api, 'api'], rule: 'cli imports anything but web' },
  web: {
    may: [],
    typesOnly: ['contract'],
    rule: 'web imports nothing outside src/web but src/api/contract/*, and that only with import type / export type',
  },
};

/** Packages a layer must not use (STYLE.md habit 2: the core knows no HTTP and no driver). */
const packageRules: ReadonlyArray<{ layers: readonly Layer[]; pattern: RegExp; rule: string }> = [
  {
    layers: ['core', 'config', 'storage', 'services', 'registry', 'contract'],
    pattern: /^(fastify|@fastify\/|node:https?$)/,
    rule: 'HTTP belongs to api: no fastify or node:http below it',
  },
  {
    layers: ['core', 'config', 'contract'],
    pattern: /^(kysely|pg|better-sqlite3|ioredis)(\/|$)/,
    rule: 'core, config and api/contract know no database or Redis driver',
  },
  { layers: ['web'], pattern: /^node:/, rule: 'web runs in the browser: no node: modules' },
];

/** How high a layer stands; a layer never reaches a higher one. */
const rank: Record<Layer, number> = {
  core: 0,
  config: 1,
  storage: 2,
  services: 3,
  registry: 4,
  contract: 5,
  api: 6,
  cli: 7,
  web: 7,
};

function layerOf(file: string): Layer | undefined {
  if (/^src\/config(\.test)?\.ts$/.test(file) || file.startsWith('src/config/')) return 'config';
  if (file.startsWith('src/api/contract/')) return 'contract';
  const top = /^src\/([^/]+)\//.exec(file)?.[1];
  return top !== undefined && top in layerRules && top !== 'contract' && top !== 'config'
    ? (top as Layer)
    : undefined;
}

const isTestFile = (file: string) => /\.test\.tsx?$/.test(file);

function describeEdge(edge: ImportEdge): string {
  const what = edge.specifier === undefined ? 'a computed specifier' : `'${edge.specifier}'`;
  return `${edge.from}:${edge.line} ${edge.form} ${what}`;
}

/** Every import that breaks its layer's rule, as a sentence naming the file, the import and the rule. */
function layerViolations(edges: readonly ImportEdge[]): string[] {
  const found: string[] = [];
  for (const edge of edges) {
    const from = layerOf(edge.from);
    if (from === undefined) {
      found.push(`${edge.from} is in no layer: put it in core, storage, services, registry, api, cli or web`);
      continue;
    }
    const rule = layerRules[from];
    if (edge.specifier === undefined) {
      found.push(`${describeEdge(edge)}: a computed import cannot be checked; name the module`);
      continue;
    }
    if (!edge.specifier.startsWith('.')) {
      for (const packageRule of packageRules) {
        if (packageRule.layers.includes(from) && packageRule.pattern.test(edge.specifier)) {
          found.push(`${describeEdge(edge)}: ${packageRule.rule}`);
        }
      }
      continue;
    }
    if (edge.target === undefined) {
      found.push(`${describeEdge(edge)} resolves to no file`);
      continue;
    }
    if (!edge.target.startsWith('src/')) {
      if (!isTestFile(edge.from)) found.push(`${describeEdge(edge)} → ${edge.target}: src imports only src`);
      continue;
    }
    const to = layerOf(edge.target);
    if (to === from) continue;
    const allowed =
      (to !== undefined && rule.may.includes(to)) ||
      (to !== undefined && edge.typeOnly && (rule.typesOnly ?? []).includes(to));
    if (!allowed) found.push(`${describeEdge(edge)} → ${edge.target} (${to ?? 'no layer'}): ${rule.rule}`);
  }
  return found;
}

/**
 * Groups of layers that import each other, each shown with the imports that step up and so close
 * the cycle (one example import per pair of layers).
 */
function layerCycles(edges: readonly ImportEdge[]): string[] {
  const example = new Map<string, ImportEdge>();
  const reach = new Map<Layer, Set<Layer>>();
  for (const layer of Object.keys(layerRules) as Layer[]) reach.set(layer, new Set());
  for (const edge of edges) {
    const from = layerOf(edge.from);
    const to = edge.target === undefined ? undefined : layerOf(edge.target);
    if (from === undefined || to === undefined || from === to) continue;
    reach.get(from)?.add(to);
    if (!example.has(`${from}→${to}`)) example.set(`${from}→${to}`, edge);
  }
  const layers = [...reach.keys()];
  for (const via of layers) {
    for (const from of layers) {
      const fromReach = reach.get(from);
      if (fromReach?.has(via)) for (const to of reach.get(via) ?? []) fromReach.add(to);
    }
  }
  const cycles = new Set<string>();
  for (const layer of layers) {
    if (!reach.get(layer)?.has(layer)) continue;
    const group = layers.filter((other) => reach.get(layer)?.has(other) && reach.get(other)?.has(layer));
    const inGroup = [...example.entries()].filter(([key]) =>
      group.some((a) => group.some((b) => key === `${a}→${b}`)),
    );
    const upward = inGroup.filter(([key]) => {
      const [a, b] = key.split('→') as [Layer, Layer];
      return rank[b] > rank[a];
    });
    const steps = (upward.length > 0 ? upward : inGroup).map(
      ([key, edge]) => `${key} (${describeEdge(edge)})`,
    );
    cycles.add(`layers ${group.join(', ')} import each other, closed by ${steps.join('; ')}`);
  }
  return [...cycles];
}

/**
 * Files that reach a higher layer through other files, grouped by the import that steps up; each
 * group shows one whole path.
 */
function upwardReach(edges: readonly ImportEdge[]): string[] {
  const out = new Map<string, ImportEdge[]>();
  for (const edge of edges) {
    if (edge.target?.startsWith('src/')) out.set(edge.from, [...(out.get(edge.from) ?? []), edge]);
  }
  const byStep = new Map<ImportEdge, { starts: string[]; path: string[] }>();
  for (const start of out.keys()) {
    const startLayer = layerOf(start);
    if (startLayer === undefined) continue;
    const cameFrom = new Map<string, string>();
    const queue = [start];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      for (const edge of out.get(file) ?? []) {
        const target = edge.target as string;
        if (target === start || cameFrom.has(target)) continue;
        cameFrom.set(target, file);
        const targetLayer = layerOf(target);
        if (targetLayer === undefined || rank[targetLayer] <= rank[startLayer]) {
          queue.push(target);
          continue;
        }
        const path = [target];
        for (let step = cameFrom.get(target); step !== undefined; step = cameFrom.get(step))
          path.unshift(step);
        const group = byStep.get(edge) ?? { starts: [], path };
        group.starts.push(start);
        byStep.set(edge, group);
      }
    }
  }
  return [...byStep.entries()].map(([edge, { starts, path }]) => {
    const up = `${layerOf(edge.from)} → ${edge.target === undefined ? '?' : layerOf(edge.target)}`;
    return `${describeEdge(edge)} lets ${starts.length} file(s) reach a higher layer (${up}), e.g. ${path.join(' → ')}`;
  });
}

function lineCount(text: string): number {
  const lines = text.split('\n');
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

describe('the architecture checker', () => {
  const plant = (files: Record<string, string>) =>
    Object.entries(files).flatMap(([file, text]) =>
      importsOf(file, text, (from, specifier) => posix.join(posix.dirname(from), specifier)),
    );

  it.each([
    ['src/core/a.ts', `import { x } from '../storage/x.repository.ts';`, 'core imports nothing'],
    ['src/core/a.ts', `import type { Config } from '../config.ts';`, 'core imports nothing'],
    ['src/config.ts', `import type { R } from './services/rate-limit/rate-limiter.ts';`, 'imports only core'],
    ['src/storage/a.ts', `export { x } from '../services/x.ts';`, 'storage imports only core and config'],
    ['src/services/a/b.ts', `const m = await import('../../api/app.ts');`, 'services import only'],
    ['src/services/a/b.ts', `import('../../registry/grant.ts').then(String);`, 'services import only'],
    ['src/registry/a.ts', `type A = typeof import('../api/app.ts');`, 'registry imports only'],
    ['src/api/contract/a.ts', `import { s } from '../../services/s.ts';`, 'api/contract imports only core'],
    ['src/api/routes/a.ts', `import { main } from '../../cli/main.ts';`, 'api imports anything but cli'],
    ['src/cli/a.ts', `export * from '../web/app.tsx';`, 'cli imports anything but web'],
    ['src/web/a.tsx', `import { Type } from '../api/contract/x.contract.ts';`, 'only with import type'],
    ['src/web/a.tsx', `import { type T } from '../api/contract/x.contract.ts';`, 'only with import type'],
    ['src/web/a.tsx', `import type { C } from '../core/errors.ts';`, 'web imports nothing outside'],
    ['src/web/a.tsx', `import { readFile } from 'node:fs';`, 'no node: modules'],
    ['src/core/a.ts', `import { Kysely } from 'kysely';`, 'no database or Redis driver'],
    ['src/services/a/b.ts', `import type { FastifyRequest } from 'fastify';`, 'HTTP belongs to api'],
    ['src/services/a/b.ts', `const m = await import(name);`, 'computed import'],
    ['src/core/a.ts', `import { t } from '../../test/support/x.ts';`, 'src imports only src'],
    ['src/other/a.ts', `import { x } from '../core/x.ts';`, 'is in no layer'],
  ])('refuses %s: %s', (file, source, rule) => {
    const violations = layerViolations(plant({ [file]: source }));
    expect(violations).toHaveLength(1);
    expect(violations[0]).toContain(file);
    expect(violations[0]).toContain(rule);
  });

  it.each([
    ['src/web/a.tsx', `import type { T } from '../api/contract/x.contract.ts';`],
    ['src/web/a.tsx', `export type { T } from '../api/contract/x.contract.ts';`],
    ['src/web/a.tsx', `import { useState } from 'react';`],
    ['src/storage/a.ts', `import { loadConfig } from '../config.ts';`],
    ['src/cli/a.ts', `import { buildApp } from '../api/app.ts';`],
    ['src/core/a.ts', `/* import { x } from '../api/app.ts'; */ const s = "import('../cli/main.ts')";`],
    ['src/core/a.test.ts', `import { hasBinary } from '../../test/support/clients.ts';`],
  ])('lets %s import: %s', (file, source) => {
    expect(layerViolations(plant({ [file]: source }))).toEqual([]);
  });

  it('names the layers of a cycle and the imports that close it', () => {
    const edges = plant({
      'src/storage/db.ts': `import { c } from '../config.ts';`,
      'src/config.ts': `import type { R } from './services/rate/r.ts';`,
      'src/services/rate/r.ts': `import { db } from '../../storage/db.ts';`,
    });
    const [cycle, ...more] = layerCycles(edges);
    expect(more).toEqual([]);
    expect(cycle).toBe(
      "layers config, storage, services import each other, closed by config→services (src/config.ts:1 import type './services/rate/r.ts')",
    );
    expect(upwardReach(edges)).toEqual([
      "src/config.ts:1 import type './services/rate/r.ts' lets 2 file(s) reach a higher layer (config → services), e.g. src/storage/db.ts → src/config.ts → src/services/rate/r.ts",
    ]);
  });
});

describe('the layers of src/', () => {
  const files = sourceFilesUnder(root, 'src');
  const edges = importGraph(root, files);

  it('are all parsed', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(edges.filter((edge) => edge.target?.startsWith('src/core/')).length).toBeGreaterThan(100);
    expect(edges.some((edge) => edge.from.startsWith('src/web/') && edge.typeOnly)).toBe(true);
  });

  it('import only downward', () => {
    expect(layerViolations(edges)).toEqual([]);
  });

  it('never import each other in a cycle', () => {
    expect(layerCycles(edges)).toEqual([]);
  });

  it('never let a file reach a higher layer through another', () => {
    expect(upwardReach(edges)).toEqual([]);
  });
});

describe('the shape of src/', () => {
  it('src/services/ holds feature folders only, no loose files', () => {
    const loose = readdirSync(`${root}/src/services`, { withFileTypes: true })
      .filter((entry) => !entry.isDirectory())
      .map((entry) => `src/services/${entry.name}`);
    expect(loose).toEqual([]);
  });

  it('no source file is over 400 lines', () => {
    const long = sourceFilesUnder(root, 'src')
      .map((file) => ({ file, lines: lineCount(readFileSync(`${root}/${file}`, 'utf8')) }))
      .filter(({ lines }) => lines > 400)
      .map(({ file, lines }) => `${file} has ${lines} lines (at most 400)`);
    expect(long).toEqual([]);
  });
});
