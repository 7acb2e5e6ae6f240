/**
 * Names that nobody may register as a user or an organization: they look like the service itself,
 * an operator, Docker's official images or a route, so a squatter could pass for them. The list is
 * a setting (`TOKENHUB_RESERVED_NAMES`, config/security.settings.ts); this is its default.
 */
export const defaultReservedNames: readonly string[] = Object.freeze([
  'library',
  'admin',
  'administrator',
  'root',
  'tokenhub',
  'v2',
  'api',
  'localhost',
  'registry',
  'docker',
  'support',
  'security',
  'system',
]);

/** Whether `name` (already lowercased) is on the reserved list. */
export function isReservedName(name: string, reserved: readonly string[]): boolean {
  return reserved.includes(name.toLowerCase());
}
