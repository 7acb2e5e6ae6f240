/**
 * Organizations: pending invitations, opening an organization by name and creating one. The Hub
 * API has no "organizations I belong to" list yet, so the organizations opened in this tab are
 * remembered for it (names only, per account, in sessionStorage until sign-out; nothing secret).
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { Invite, Organization } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { recentOrgs } from '../lib/recent-orgs.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';

export function OrgsPage() {
  const account = useAccount();
  const [invites, reloadInvites] = useLoad(
    () => api<{ results: Invite[] }>('GET', '/v2/users/me/invites').then((reply) => reply.results),
    [],
  );
  const [openName, setOpenName] = useState('');
  const [createName, setCreateName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const recent = recentOrgs(account.username);

  function open(event: FormEvent) {
    event.preventDefault();
    const name = openName.trim().toLowerCase();
    if (name) navigate(`/orgs/${encodeURIComponent(name)}`);
  }

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const org = await api<Organization>('POST', '/v2/orgs', {
        body: { name: createName.trim().toLowerCase() },
      });
      navigate(`/orgs/${encodeURIComponent(org.name)}`);
    } catch (caught) {
      setError(messageOf(caught));
      setBusy(false);
    }
  }

  async function answer(invite: Invite, accept: boolean) {
    setError(undefined);
    try {
      await api('POST', `/v2/invites/${invite.id}/${accept ? 'accept' : 'decline'}`);
      if (accept) navigate(`/orgs/${encodeURIComponent(invite.org)}`);
      else reloadInvites();
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
      {error ? <ErrorAlert message={error} /> : null}
      {invites.status === 'error' ? <ErrorAlert message={invites.error} /> : null}

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
        <section className="card" aria-labelledby="open-org-title">
          <h2 id="open-org-title">Open an organization</h2>
          <form onSubmit={open} className="form">
            <div className="field">
              <label htmlFor="open-org-name">Organization name</label>
              <input
                id="open-org-name"
                value={openName}
                autoCapitalize="none"
                onChange={(event) => setOpenName(event.target.value)}
                required
              />
            </div>
            <button type="submit" className="button primary">
              Open
            </button>
          </form>
          {recent.length > 0 ? (
            <>
              <h3 className="subheading">Opened recently</h3>
              <ul className="plain-list">
                {recent.map((name) => (
                  <li key={name}>
                    <Link to={`/orgs/${encodeURIComponent(name)}`}>{name}</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <EmptyState title="No organization opened yet">
              <p>Type the name of an organization you belong to, or accept an invitation.</p>
            </EmptyState>
          )}
        </section>
        <section className="card" aria-labelledby="create-org-title">
          <h2 id="create-org-title">Create an organization</h2>
          <form onSubmit={create} className="form">
            <div className="field">
              <label htmlFor="create-org-name">Name</label>
              <input
                id="create-org-name"
                value={createName}
                autoCapitalize="none"
                aria-describedby="create-org-help"
                onChange={(event) => setCreateName(event.target.value)}
                required
              />
              <p id="create-org-help" className="hint">
                Shares the namespace with usernames: 4 to 30 lowercase letters and digits. You become its
                owner.
              </p>
            </div>
            <button type="submit" className="button" disabled={busy}>
              Create organization
            </button>
          </form>
        </section>
      </div>
    </section>
  );
}
