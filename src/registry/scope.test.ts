import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { isRepositoryName } from '../core/repository-name.ts';
import { formatScope, parseScope, parseScopes } from './scope.ts';

function expectInvalid(raw: string): AppError {
  try {
    parseScope(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('REGISTRY_SCOPE_INVALID');
    return appError;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

/** Deterministic PRNG (mulberry32) so a fuzz failure reproduces. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('parseScope', () => {
  it('parses a repository scope', () => {
    expect(parseScope('repository:alice/app:pull,push')).toEqual({
      type: 'repository',
      name: 'alice/app',
      actions: ['pull', 'push'],
    });
  });

  it('keeps a host:port prefix in the name (four colon-separated parts)', () => {
    expect(parseScope('repository:localhost:5000/alice/app:pull')).toEqual({
      type: 'repository',
      name: 'localhost:5000/alice/app',
      actions: ['pull'],
    });
    expect(parseScope('repository:Registry.Example.com:443/a/b:delete').name).toBe(
      'Registry.Example.com:443/a/b',
    );
  });

  it('emits repository(plugin) as type repository and keeps the class', () => {
    expect(parseScope('repository(plugin):alice/plugin:pull')).toEqual({
      type: 'repository',
      resourceClass: 'plugin',
      name: 'alice/plugin',
      actions: ['pull'],
    });
  });

  it('parses the catalog scope and the wildcard action', () => {
    expect(parseScope('registry:catalog:*')).toEqual({ type: 'registry', name: 'catalog', actions: ['*'] });
    expect(parseScope('repository:alice/app:*').actions).toEqual(['*']);
  });

  it('dedupes actions, keeping the first order', () => {
    expect(parseScope('repository:a:push,pull,push,pull').actions).toEqual(['push', 'pull']);
  });

  it.each([
    ['empty', ''],
    ['over-long', `repository:${'a'.repeat(600)}:pull`],
    ['no colon', 'repository'],
    ['one colon', 'repository:alice/app'],
    ['unknown type', 'image:alice/app:pull'],
    ['upper-case type', 'Repository:alice/app:pull'],
    ['class on registry', 'registry(x):catalog:*'],
    ['bad class', 'repository(Plugin):a:pull'],
    ['empty name', 'repository::pull'],
    ['upper-case path', 'repository:alice/App:pull'],
    ['empty component', 'repository:alice//app:pull'],
    ['leading slash', 'repository:/alice:pull'],
    ['trailing slash', 'repository:alice/:pull'],
    ['leading separator', 'repository:-alice:pull'],
    ['trailing separator', 'repository:alice_:pull'],
    ['triple underscore', 'repository:a___b:pull'],
    ['host without path', 'repository:localhost:5000:pull'],
    ['non-numeric port', 'repository:host:port/app:pull'],
    ['space in name', 'repository:alice app:pull'],
    ['bad registry resource', 'registry:cata/log:*'],
    ['no actions', 'repository:alice/app:'],
    ['empty action', 'repository:alice/app:pull,,push'],
    ['unknown action', 'repository:alice/app:read'],
    ['upper-case action', 'repository:alice/app:PULL'],
    ['space-separated scopes', 'repository:a:pull repository:b:pull'],
  ])('refuses %s', (_label, raw) => {
    expectInvalid(raw);
  });

  it('names the bad scope in the message and shortens hostile input', () => {
    expect(expectInvalid('repository:alice/app:read').message).toContain('"repository:alice/app:read"');
    expect(expectInvalid(`repository:${'a'.repeat(600)}:pull`).message.length).toBeLessThan(200);
  });

  it('refuses a name over 255 characters', () => {
    const name = `alice/${'a'.repeat(250)}`;
    expect(name.length).toBeGreaterThan(255);
    expectInvalid(`repository:${name}:pull`);
    expect(parseScope(`repository:${name.slice(0, 255)}:pull`).name).toHaveLength(255);
  });

  it('does not backtrack catastrophically on near-miss names', () => {
    const start = performance.now();
    for (const tail of ['!', '-', '_', '.']) expectInvalid(`repository:${'a'.repeat(240)}${tail}:pull`);
    expectInvalid(`repository:${'a-'.repeat(120)}:pull`);
    expect(performance.now() - start).toBeLessThan(250);
  });
});

describe('isRepositoryName', () => {
  it.each([
    'library/ubuntu',
    'a',
    'a.b_c__d-e---f/0',
    'localhost/alice',
    'localhost:5000/alice',
    'registry.example.com/x/y/z',
  ])('accepts %s', (name) => {
    expect(isRepositoryName(name)).toBe(true);
  });

  it.each(['', 'a..b', 'a._b', '_a', 'a/', 'exa mple.com/a', 'example.com:/a', 'Upper', 'a:1'])(
    'refuses %s',
    (name) => {
      expect(isRepositoryName(name)).toBe(false);
    },
  );
});

describe('parseScopes', () => {
  it('merges scopes naming the same resource and keeps distinct ones apart', () => {
    expect(
      parseScopes([
        'repository:alice/app:pull',
        'repository:bob/base:pull',
        'repository:alice/app:push,pull',
        'repository(plugin):alice/app:pull',
      ]),
    ).toEqual([
      { type: 'repository', name: 'alice/app', actions: ['pull', 'push'] },
      { type: 'repository', name: 'bob/base', actions: ['pull'] },
      { type: 'repository', resourceClass: 'plugin', name: 'alice/app', actions: ['pull'] },
    ]);
  });

  it('returns nothing for no scopes (docker login) and fails on the first bad one', () => {
    expect(parseScopes([])).toEqual([]);
    expect(() => parseScopes(['repository:a:pull', 'nope'])).toThrow(AppError);
  });
});

describe('parseScope fuzzing', () => {
  const seeds = [
    'repository:alice/app:pull,push',
    'repository:localhost:5000/alice/app:pull',
    'repository(plugin):a.b/c__d:delete',
    'registry:catalog:*',
  ];
  const alphabet = ['a', 'Z', '0', '.', '_', '-', '/', ':', ',', '(', ')', '*', ' ', 'é', '\u0000', 'pull'];

  it('either parses to a round-trippable scope or throws REGISTRY_SCOPE_INVALID', () => {
    const random = seededRandom(20240611);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      // Mutate a valid scope: inserts, deletions and replacements at random positions.
      let raw = pick(seeds);
      const edits = Math.floor(random() * 4);
      for (let j = 0; j < edits; j++) {
        const at = Math.floor(random() * (raw.length + 1));
        const cut = Math.floor(random() * 3);
        raw = raw.slice(0, at) + (random() < 0.7 ? pick(alphabet) : '') + raw.slice(at + cut);
      }
      let scope: ReturnType<typeof parseScope>;
      try {
        scope = parseScope(raw);
      } catch (error) {
        expect(error, JSON.stringify(raw)).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('REGISTRY_SCOPE_INVALID');
        refused++;
        continue;
      }
      parsed++;
      expect(parseScope(formatScope(scope))).toEqual(scope);
    }
    expect(parsed).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });

  it('parses every generated valid scope back to its parts', () => {
    const random = seededRandom(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let i = 0; i < 1000; i++) {
      const host = pick(['', 'localhost:5000/', 'registry.example.com/', 'REG.io:443/']);
      const path = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        pick(['app', 'a.b', 'a_b', 'a__b', 'a--b', 'x9']),
      ).join('/');
      const actions = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
        pick(['pull', 'push', 'delete', '*'] as const),
      );
      const scope = parseScope(`repository:${host}${path}:${actions.join(',')}`);
      expect(scope.name).toBe(`${host}${path}`);
      expect(scope.actions).toEqual([...new Set(actions)]);
    }
  });
});
