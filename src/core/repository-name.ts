/**
 * OCI distribution repository names (distribution `reference` grammar), shared by the registry
 * scope parser and the organization-token rules.
 */

/** Longest repository name (characters, host prefix included), as in the distribution reference grammar. */
export const maxRepositoryNameLength = 255;

/**
 * A path component. The spec writes the separator as `[._]|__|[-]*`; the empty alternative of
 * `[-]*` only splits a run of `[a-z0-9]` in two, so `-+` accepts the same language without the
 * nested quantifier that makes the original regex backtrack exponentially on input like `aaaa…!`.
 */
const pathComponentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** `host[:port]`: dot-separated DNS labels (upper case allowed, as in the reference grammar). */
const domainPattern =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;

/**
 * True for an OCI distribution repository name: optional `host[:port]/` prefix, then lower-case
 * path components separated by `/`, at most {@link maxRepositoryNameLength} characters in all.
 * As in the reference grammar, a first component that is valid as a path component is a path
 * component; otherwise it must be a domain and be followed by at least one path component.
 */
export function isRepositoryName(name: string): boolean {
  if (name.length === 0 || name.length > maxRepositoryNameLength) return false;
  const [first, ...rest] = name.split('/');
  if (first === undefined) return false;
  const firstIsDomain = !pathComponentPattern.test(first);
  if (firstIsDomain && (rest.length === 0 || !domainPattern.test(first))) return false;
  return rest.every((component) => pathComponentPattern.test(component));
}
