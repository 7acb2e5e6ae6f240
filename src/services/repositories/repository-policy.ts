/**
 * Organization token policies (core/token-policy.ts) on the Hub API's repository routes: a token
 * outside the policy of the organization that owns a repository counts there as nobody (it keeps
 * what anyone may do: read a public repository), and what it is refused says which policy refused
 * it — to a caller whose account could otherwise do it, so the refusal reveals nothing new.
 */
import type { Repository } from '../../core/repository-access.ts';
import { orgPolicyBreach } from '../../core/token-policy.ts';
import { findOrgTokenPolicy } from '../../storage/token-policy.repository.ts';
import type { ServiceContext } from '../shared/context.ts';
import { accessSubjectOf, type Principal, policyFactsOf } from '../sign-in/who-asks.ts';
import { type NamespaceOwner, type RepositoryRights, rightsOn } from './repository-rights.ts';

/** What `principal` may do on `owner/name`, under the owner's token policy when it is an organization. */
export async function rightsUnderPolicy(
  ctx: ServiceContext,
  principal: Principal | undefined,
  owner: NamespaceOwner,
  name: string,
  repository: Pick<Repository, 'isPrivate'> | undefined,
): Promise<RepositoryRights> {
  const subject = accessSubjectOf(principal);
  const facts = policyFactsOf(principal);
  const ownOrg = principal?.kind !== 'oat' || principal.org.id === owner.id;
  if (!facts || owner.kind !== 'org' || !ownOrg) return rightsOn(ctx, subject, owner, name, repository);
  const breach = orgPolicyBreach(await findOrgTokenPolicy(ctx.db, owner.id), facts);
  if (breach === undefined) return rightsOn(ctx, subject, owner, name, repository);
  const [asNobody, asToken] = await Promise.all([
    rightsOn(ctx, { kind: 'anonymous' }, owner, name, repository),
    rightsOn(ctx, subject, owner, name, repository),
  ]);
  return {
    ...asNobody,
    policy: {
      message: `access token refused by the token policy of organization ${owner.name}: ${breach}`,
      wouldAllow: asToken.allowed,
    },
  };
}
