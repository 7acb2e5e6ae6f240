/**
 * Rulesets of an OIDC connection (docs/oidc.md) from the CLI's flags, and back to short text:
 * - `--rule 'repo:acme/api:ref:refs/heads/main=api:push,web:pull'`: one ruleset, the `sub` pattern
 *   before the last `=`, the repositories after it (below the owner, or `acme/*`), each with
 *   pull, push or delete;
 * - `--rules-file rulesets.json`: the API's rulesets as JSON (with claim conditions and labels).
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { OidcResourceObject, OidcRulesetObject } from '../../api/contract/oidc.contract.ts';
import { UsageError } from './hub-session.ts';

/** Checks `--rule PATTERN=REPO:ACTION[,REPO:ACTION…]` as it is parsed; the owner is applied later. */
export function parseRuleFlag(value: string): string {
  const at = value.lastIndexOf('=');
  const resources = value.slice(at + 1).split(',');
  if (at <= 0 || !resources.every((spec) => /^[^:\s,=]+:(pull|push|delete)$/.test(spec))) {
    throw new InvalidArgumentError('Use SUB_PATTERN=REPOSITORY:ACTION[,…], e.g. repo:acme/api:*=api:push.');
  }
  return value;
}

/** The API's rulesets for `--rule` values of `owner`'s connection. */
export function rulesetsFromRules(owner: string, rules: readonly string[]): OidcRulesetObject[] {
  return rules.map((rule) => {
    const at = rule.lastIndexOf('=');
    const scopes = new Map<string, Set<OidcResourceObject['scopes'][number]>>();
    for (const spec of rule.slice(at + 1).split(',')) {
      const colon = spec.lastIndexOf(':');
      const name = spec.slice(0, colon);
      const path = name.includes('/') ? name : `${owner}/${name}`;
      const scope = `scope-image-${spec.slice(colon + 1)}` as OidcResourceObject['scopes'][number];
      scopes.set(path, (scopes.get(path) ?? new Set()).add(scope));
    }
    return {
      subject: rule.slice(0, at),
      resources: [...scopes].map(([path, set]) => ({ type: 'TYPE_REPO' as const, path, scopes: [...set] })),
    };
  });
}

/** The rulesets in a JSON file: an array of rulesets, or `{"rulesets": [...]}`. */
export function rulesetsFromFile(path: string): OidcRulesetObject[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read rulesets from ${path}: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { rulesets?: unknown } | null)?.rulesets;
  if (!Array.isArray(list)) throw new UsageError(`${path} must hold a JSON array of rulesets`);
  return list as OidcRulesetObject[];
}

/** `repo:acme/api:* → acme/api:push, acme/web:pull; environment=prod*` */
export function describeRuleset(ruleset: OidcRulesetObject): string {
  const resources = ruleset.resources
    .flatMap((resource) =>
      resource.scopes.map((scope) => `${resource.path}:${scope.replace('scope-image-', '')}`),
    )
    .join(', ');
  const claims = Object.entries(ruleset.claims ?? {}).map(([name, pattern]) => `${name}=${pattern}`);
  return `${ruleset.subject} → ${resources}${claims.length > 0 ? `; ${claims.join(', ')}` : ''}`;
}
