/**
 * Organizations: the ones the account belongs to (`GET /v2/users/me/orgs`), pending invitations,
 * and creating one.
 */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Invite, Membership, Organization } from '../api/types.ts';
import { CreateByNameCard } from '../components/create-by-name-card.tsx';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { navigateWithNotice } from '../lib/flash.ts';
import { roleLabel } from '../lib/org-roles.ts';
import { Link } from '../lib/router.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { tierNames } from './org.page.tsx';

export function OrgsPage() {
  const [memberships] = useLoad(
    () => api<{ results: Membership[] }>('GET', '/v2/users/me/orgs').then((reply) => reply.results),
    [],
  );
  const [invites, reloadInvites] = useLoad(
    () => api<{ results: Invite[] }>('GET', '/v2/users/me/invites').then((reply) => reply.results),
    [],
  );
  const [error, setError] = useState<string>();
  const notice = useNotice();

  async function create(name: string) {
    const org = await api<Organization>('POST', '/v2/orgs', { body: { name } });
    navigateWithNotice(
      `/orgs/${encodeURIComponent(org.name)}`,
      `Organization ${org.name} was created. You are its owner.`,
    );
  }

  async function answer(invite: Invite, accept: boolean) {
    setError(undefined);
    try {
      await api('POST', `/v2/invites/${invite.id}/${accept ? 'accept' : 'decline'}`);
      if (accept) navigateWithNotice(`/orgs/${encodeURIComponent(invite.org)}`, `You joined ${invite.org}.`);
      else {
        notice.show(`You declined the invite to ${invite.org}.`);
        reloadInvites();
      }
    } catch (caught) {
      setError(messageOf(caught));
    }
  }

  const pending = invites.data ?? [];
  return (
    <section className="page" aria-labelledby="orgs-title">
      <h1 id="orgs-title">Organizations</h1>
      <p className="muted">
        Organizations own repositories together and can hold organization access tokens for pipelines that
        must not depend on one person.
      </p>
      <Notice notice={notice} />
      {error ? <ErrorAlert message={error} /> : null}
      {invites.status === 'error' ? <ErrorAlert message={invites.error} /> : null}
      {memberships.status === 'error' ? <ErrorAlert message={memberships.error} /> : null}

      {pending.length > 0 ? (
        <section className="card" aria-labelledby="invites-title">
          <h2 id="invites-title">Invitations</h2>
          <ul className="plain-list">
            {pending.map((invite) => (
              <li key={invite.id} className="list-row">
                <span>
                  <strong>{invite.org}</strong> invites you as {invite.role}
                  {invite.invited_by ? ` (from ${invite.invited_by})` : ''}
                </span>
                <span className="button-row">
                  <button
                    type="button"
                    className="button primary small"
                    onClick={() => void answer(invite, true)}
                  >
                    Accept
                  </button>
                  <button type="button" className="button small" onClick={() => void answer(invite, false)}>
                    Decline
                  </button>
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="your-orgs-title">
          <h2 id="your-orgs-title">Your organizations</h2>
          {memberships.status === 'ready' && memberships.data.length === 0 ? (
            <EmptyState title="No organization yet">
              <p>Create one, or accept an invitation from an owner of one.</p>
            </EmptyState>
          ) : (
            <ul className="plain-list" aria-busy={memberships.status === 'loading'}>
              {(memberships.data ?? []).map((org) => (
                <li key={org.id} className="list-row" data-testid="org-membership">
                  <Link to={`/orgs/${encodeURIComponent(org.name)}`}>{org.name}</Link>
                  <span className="muted">
                    {roleLabel(org.role)} · {tierNames[org.tier]}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <CreateByNameCard
          id="create-org"
          title="Create an organization"
          hint="Shares the namespace with usernames: 4 to 30 lowercase letters and digits. You become its owner."
          submitLabel="Create organization"
          create={create}
          onBanner={setError}
        />
      </div>
    </section>
  );
}
