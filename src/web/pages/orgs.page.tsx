/**
 * Organizations: the ones the account belongs to (`GET /v2/users/me/orgs`), pending invitations,
 * and creating one.
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { Invite, Membership, Organization } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { navigateWithNotice } from '../lib/flash.ts';
import { Link } from '../lib/router.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { tierNames } from './org.page.tsx';

const roleNames = { owner: 'Owner', editor: 'Editor', member: 'Member' } as const;

export function OrgsPage() {
  const [memberships] = useLoad(
    () => api<{ results: Membership[] }>('GET', '/v2/users/me/orgs').then((reply) => reply.results),
    [],
  );
  const [invites, reloadInvites] = useLoad(
    () => api<{ results: Invite[] }>('GET', '/v2/users/me/invites').then((reply) => reply.results),
    [],
  );
  const [createName, setCreateName] = useState('');
  const [error, setError] = useState<string>();
  const [nameProblem, setNameProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const notice = useNotice();

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setNameProblem(undefined);
    try {
      const org = await api<Organization>('POST', '/v2/orgs', {
        body: { name: createName.trim().toLowerCase() },
      });
      navigateWithNotice(
        `/orgs/${encodeURIComponent(org.name)}`,
        `Organization ${org.name} was created. You are its owner.`,
      );
    } catch (caught) {
      const refusal = refusalOf(caught, ['name']);
      setNameProblem(refusal.fields.name);
      setError(refusal.banner);
      setBusy(false);
    }
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
                    {roleNames[org.role]} · {tierNames[org.tier]}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="create-org-title">
          <h2 id="create-org-title">Create an organization</h2>
          <form onSubmit={create} className="form">
            <FormField
              id="create-org-name"
              label="Name"
              value={createName}
              autoCapitalize="none"
              onValue={setCreateName}
              problem={nameProblem}
              hint="Shares the namespace with usernames: 4 to 30 lowercase letters and digits. You become its owner."
              required
            />
            <button type="submit" className="button primary" disabled={busy}>
              Create organization
            </button>
          </form>
        </section>
      </div>
    </section>
  );
}
