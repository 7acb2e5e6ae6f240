import { AppError } from '../core/errors.ts';
import { isRepositoryName } from '../core/repository-name.ts';

/**
 * Parser for the registry token scope grammar (distribution `docs/spec/auth/scope.md`, PROTOCOLS.md §2):
 *
 *     scope         := resourcetype ":" resourcename ":" action [ "," action ]*
 *     resourcetype  := "repository" [ "(" class ")" ] | "registry"
 *
 * A repository name may start with a `host:port/` registry prefix, so a scope can have four
 * colon-separated parts: the type is split off at the FIRST colon and the actions at the LAST one.
 * The name is kept verbatim: the registry puts exactly the name the client asked for in its own
 * access check, so rewriting it (dropping a host, lower-casing) would only produce grants that never
 * match.
 */

/** Every action the registry understands; `*` is only meaningful for `registry:catalog`. */
export const registryActions = ['pull', 'push', 'delete', '*'] as const;
export type RegistryAction = (typeof registryActions)[number];

export type RegistryScope = {
  /** `repository(plugin)` is emitted as `repository`; the class is kept in `resourceClass`. */
  type: 'repository' | 'registry';
  resourceClass?: string;
  name: string;
  /** Deduplicated, in the order the client sent them; never empty. */
  actions: RegistryAction[];
};

/** Longest raw scope string accepted (characters); longer input is refused before any parsing. */
export const maxScopeLength = 512;

const typePattern = /^(repository|registry)(?:\(([a-z0-9]+)\))?$/;
/** Registry-level resources are single words (`catalog`); which ones are granted is policy, not syntax. */
const registryResourcePattern = /^[a-z0-9]+$/;

const actionSet: ReadonlySet<string> = new Set(registryActions);

/**
 * Parses one scope string.
 *
 * @throws AppError `REGISTRY_SCOPE_INVALID` naming the scope when it is empty, longer than
 *   {@link maxScopeLength}, of an unknown type, has an empty or malformed name, or no valid actions.
 * @example parseScope('repository:localhost:5000/alice/app:pull,push')
 *   // → { type: 'repository', name: 'localhost:5000/alice/app', actions: ['pull', 'push'] }
 */
export function parseScope(raw: string): RegistryScope {
  if (raw.length === 0) throw invalid(raw, 'it is empty');
  if (raw.length > maxScopeLength) throw invalid(raw, `it is longer than ${maxScopeLength} characters`);

  const firstColon = raw.indexOf(':');
  const lastColon = raw.lastIndexOf(':');
  if (firstColon === -1 || firstColon === lastColon) {
    throw invalid(raw, 'expected type:name:actions');
  }

  const typeMatch = typePattern.exec(raw.slice(0, firstColon));
  if (typeMatch === null) throw invalid(raw, 'unknown resource type');
  const type = typeMatch[1] as RegistryScope['type'];
  const resourceClass = typeMatch[2];
  if (type === 'registry' && resourceClass !== undefined) {
    throw invalid(raw, 'a registry resource has no class');
  }

  const name = raw.slice(firstColon + 1, lastColon);
  if (name.length === 0) throw invalid(raw, 'the name is empty');
  const nameOk = type === 'repository' ? isRepositoryName(name) : registryResourcePattern.test(name);
  if (!nameOk) throw invalid(raw, 'the name is malformed');

  const actions = parseActions(raw.slice(lastColon + 1));
  if (actions === undefined) throw invalid(raw, 'the actions are malformed');

  return resourceClass === undefined ? { type, name, actions } : { type, resourceClass, name, actions };
}

/**
 * Parses every `scope` parameter of a token request (one string per parameter; the OAuth POST form
 * packs several into one space-separated parameter, which the caller splits first). Scopes naming
 * the same resource are merged, actions united, so the grant has one access entry per resource.
 *
 * @throws AppError `REGISTRY_SCOPE_INVALID` for the first malformed scope.
 */
export function parseScopes(raws: readonly string[]): RegistryScope[] {
  const byResource = new Map<string, RegistryScope>();
  for (const raw of raws) {
    const scope = parseScope(raw);
    const key = `${scope.type}(${scope.resourceClass ?? ''}):${scope.name}`;
    const seen = byResource.get(key);
    if (seen === undefined) {
      byResource.set(key, scope);
    } else {
      for (const action of scope.actions) if (!seen.actions.includes(action)) seen.actions.push(action);
    }
  }
  return [...byResource.values()];
}

/** Formats a scope back to the wire grammar (for `WWW-Authenticate` challenges and logs). */
export function formatScope(scope: RegistryScope): string {
  const type = scope.resourceClass === undefined ? scope.type : `${scope.type}(${scope.resourceClass})`;
  return `${type}:${scope.name}:${scope.actions.join(',')}`;
}

function parseActions(list: string): RegistryAction[] | undefined {
  if (list.length === 0) return undefined;
  const actions: RegistryAction[] = [];
  for (const action of list.split(',')) {
    if (!isRegistryAction(action)) return undefined;
    if (!actions.includes(action)) actions.push(action);
  }
  return actions;
}

function isRegistryAction(value: string): value is RegistryAction {
  return actionSet.has(value);
}

/** The message reaches the client (`{details}`), so a hostile over-long scope is shortened. */
function invalid(raw: string, reason: string): AppError {
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  return new AppError('REGISTRY_SCOPE_INVALID', `malformed scope ${JSON.stringify(shown)}: ${reason}`);
}
