/** The three organization roles in the console's words (docs/organizations.md, "Roles"). */
export type OrgRoleName = 'member' | 'editor' | 'owner';

export const orgRoles: readonly { role: OrgRoleName; label: string; explanation: string }[] = [
  {
    role: 'member',
    label: 'Member',
    explanation: 'reads the organization and reaches its repositories only through their groups.',
  },
  {
    role: 'editor',
    label: 'Editor',
    explanation:
      'also creates and deletes repositories, sets group permissions on them, and pushes and pulls every repository a group does not limit.',
  },
  {
    role: 'owner',
    label: 'Owner',
    explanation:
      'also manages members, groups, roles, invites, access tokens, OIDC connections and reads the activity.',
  },
];

/** "Member", "Editor", "Owner". */
export function roleLabel(role: OrgRoleName): string {
  return orgRoles.find((r) => r.role === role)?.label ?? role;
}

/** "a member", "an editor", "an owner". */
export function roleWithArticle(role: OrgRoleName): string {
  return role === 'member' ? 'a member' : `an ${role}`;
}

/** "An editor also creates …": what giving `role` means, for a confirmation. */
export function roleSentence(role: OrgRoleName): string {
  const article = roleWithArticle(role);
  const explanation = orgRoles.find((r) => r.role === role)?.explanation ?? '';
  return `${article[0]?.toUpperCase()}${article.slice(1)} ${explanation}`;
}

/** The role of a member object's capitalized one (`Editor` → `editor`); undefined for `Invitee`. */
export function roleName(shown: string): OrgRoleName | undefined {
  return orgRoles.find((r) => r.label === shown)?.role;
}
