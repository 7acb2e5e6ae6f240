/**
 * What an update of a token changed, as its audit event says it: `changed` lists the API's names of
 * the fields whose value differs from the token's current one, and the changes a reader wants to
 * see in words carry their old and new values — `label_from`/`label_to`, `scope_from`/`scope_to`
 * (PAT levels, e.g. `repo:read`), `status` (`deactivated` or `reactivated`). Labels, levels and
 * states only: never a secret, and no key that the audit recorder would drop as secret-looking.
 */
import type { AccessToken } from '../../core/access-token-rules.ts';
import type { AccessTokenChanges } from '../../storage/access-token.repository.ts';

/** The API's names of the fields an update changes, as its audit event lists them. */
const fieldNames: Record<keyof AccessTokenChanges, string> = {
  label: 'label',
  description: 'description',
  scopes: 'scopes',
  resources: 'resources',
  patResources: 'resources',
  allowedCidrs: 'allowed_cidrs',
  isActive: 'is_active',
};

function currentValue(token: AccessToken, key: keyof AccessTokenChanges): unknown {
  switch (key) {
    case 'scopes':
      return token.kind === 'pat' ? token.scopes : [];
    case 'patResources':
      return token.resources;
    default:
      return token[key];
  }
}

/**
 * @param current the token as it was before the update (the update services read it anyway).
 * @example tokenChangeAudit(ci, { label: 'ci-2', isActive: false })
 *   // → { changed: ['label', 'is_active'], label_from: 'ci', label_to: 'ci-2', status: 'deactivated' }
 */
export function tokenChangeAudit(current: AccessToken, changes: AccessTokenChanges): Record<string, unknown> {
  const keys = (Object.keys(changes) as Array<keyof AccessTokenChanges>).filter(
    (key) => JSON.stringify(changes[key]) !== JSON.stringify(currentValue(current, key)),
  );
  const data: Record<string, unknown> = { changed: keys.map((key) => fieldNames[key]) };
  if (keys.includes('label')) Object.assign(data, { label_from: current.label, label_to: changes.label });
  if (keys.includes('isActive')) data.status = changes.isActive ? 'reactivated' : 'deactivated';
  if (keys.includes('scopes') && current.kind === 'pat') {
    Object.assign(data, { scope_from: current.scopes.join(' '), scope_to: changes.scopes?.join(' ') });
  }
  return data;
}
