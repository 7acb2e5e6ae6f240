/**
 * One organization: tier (what it allows, and how an administrator raises it), your role, its
 * people and settings and, for owners, the way to its access tokens, OIDC connections, token policy
 * and activity.
 * Members see no access-token page (the API refuses them too).
 */
import { api } from '../api/client.ts';
import type { Organization } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { formatDate } from '../lib/format.ts';
import { tierLimitText } from '../lib/oat-logic.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { useLoad } from '../lib/use-load.ts';

export const tierNames: Record<Organization['tier'], string> = {
  free: 'Free',
  team: 'Team',
  business: 'Business',
};

/** What each tier allows, in the words of docs/organizations.md. */
export const tierAllows: Record<Organization['tier'], string> = {
  free: 'members, groups and invites; no organization access tokens or OIDC connections.',
  team: 'up to 10 organization access tokens, and OIDC connections.',
  business: 'up to 100 organization access tokens, and OIDC connections.',
};

const settingsHint = 'The images and registries Docker Desktop allows its members';

/** Owners manage tokens; so do instance administrators (who have no role in the organization). */
export function mayManageTokens(org: Organization, isAdmin: boolean): boolean {
  return org.role === 'owner' || isAdmin;
}

export function useOrganization(name: string) {
  return useLoad(() => api<Organization>('GET', `/v2/orgs/${encodeURIComponent(name)}`), [name]);
}

export function OrgPage({ org: name }: { org: string }) {
  const account = useAccount();
  const [load] = useOrganization(name);
  const org = load.data;
  const notice = useNotice();
  return (
    <section className="page" aria-labelledby="org-title">
      <p className="eyebrow">
        <Link to="/orgs">Organizations</Link>
      </p>
      <h1 id="org-title">{org?.name ?? name}</h1>
      <Notice notice={notice} />
      {load.status === 'error' ? <ErrorAlert message={load.error} /> : null}
      {load.status === 'loading' ? <p role="status">Loading…</p> : null}
      {org ? (
        <>
          <dl className="facts">
            <dt>Tier</dt>
            <dd>
              {tierNames[org.tier]}: {tierAllows[org.tier]}
              {org.tier === 'free' ? (
                <span className="hint" data-testid="tier-raise">
                  {' '}
                  An instance administrator raises the tier with{' '}
                  <code>tokenhub admin set-tier {org.name} team</code>.
                </span>
              ) : null}
            </dd>
            <dt>Your role</dt>
            <dd>
              {org.role ?? (account.is_admin ? 'instance administrator' : 'none')}
              {org.acting_company ? (
                <span data-testid="acting-company">
                  {' '}
                  through company{' '}
                  <Link to={`/companies/${encodeURIComponent(org.acting_company)}`}>
                    {org.acting_company}
                  </Link>
                </span>
              ) : null}
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(org.created_at)}</dd>
          </dl>
          <p>
            <Link to={`/orgs/${encodeURIComponent(org.name)}/people`}>Members, groups and invites</Link>
          </p>
          {mayManageTokens(org, account.is_admin) ? (
            <nav aria-label={`${org.name} settings`} className="card-links">
              <Link to={`/orgs/${encodeURIComponent(org.name)}/tokens`} className="card-link">
                <strong>Access tokens</strong>
                <span className="hint">{tierLimitText(org.access_tokens)}</span>
              </Link>
              <Link to={`/orgs/${encodeURIComponent(org.name)}/oidc`} className="card-link">
                <strong>OIDC connections</strong>
                <span className="hint">CI jobs sign in with their identity token, no stored secret</span>
              </Link>
              <Link to={`/orgs/${encodeURIComponent(org.name)}/token-policy`} className="card-link">
                <strong>Token policy</strong>
                <span className="hint">Lifetimes and fine-grained tokens on its repositories</span>
              </Link>
              <Link to={`/orgs/${encodeURIComponent(org.name)}/settings`} className="card-link">
                <strong>Organization settings</strong>
                <span className="hint">{settingsHint}</span>
              </Link>
              <Link to={`/orgs/${encodeURIComponent(org.name)}/activity`} className="card-link">
                <strong>Activity</strong>
                <span className="hint">Who did what in this organization</span>
              </Link>
            </nav>
          ) : (
            <>
              <p className="muted">
                You are a member of {org.name}. Its owners manage access tokens and read its activity.
              </p>
              <p>
                <Link to={`/orgs/${encodeURIComponent(org.name)}/settings`}>Organization settings</Link>{' '}
                <span className="hint">{settingsHint}</span>
              </p>
            </>
          )}
        </>
      ) : null}
    </section>
  );
}
