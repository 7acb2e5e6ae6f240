/**
 * Pending invites of an organization (owners): send by username or email with a role, resend,
 * cancel. Part of the people page (org-people.page.tsx).
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { Invite } from '../api/types.ts';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { formatDate } from '../lib/format.ts';
import { type OrgRoleName, orgRoles, roleSentence, roleWithArticle } from '../lib/org-roles.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import type { SectionProps } from './org-people.page.tsx';

const base = (org: string) => `/v2/orgs/${encodeURIComponent(org)}`;

export function Invites({ org, generation, ask, done }: SectionProps & { done: (message: string) => void }) {
  const [invites] = useLoad(
    () => api<{ data: Invite[] }>('GET', `${base(org)}/invites`).then((r) => r.data),
    [org, generation],
  );
  const [invitee, setInvitee] = useState('');
  const [role, setRole] = useState<OrgRoleName>('member');
  const [problem, setProblem] = useState<string>();

  async function send(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    try {
      await api('POST', `${base(org)}/invites`, { body: { invitee: invitee.trim(), role } });
      done(`${invitee.trim()} was invited as ${roleWithArticle(role)}.`);
      setInvitee('');
    } catch (caught) {
      const refusal = refusalOf(caught, ['invitee']);
      setProblem(refusal.fields.invitee ?? refusal.banner);
    }
  }
  return (
    <section className="card" aria-labelledby="invites-title">
      <h2 id="invites-title">Invites</h2>
      <ul className="plain-list" aria-label="Pending invites">
        {(invites.data ?? []).map((i) => (
          <li key={i.id} data-testid="invite-row">
            {i.invitee}{' '}
            <span className="muted">
              as {i.role}, sent {formatDate(i.created_at)}
            </span>{' '}
            <button
              type="button"
              className="button small"
              onClick={async () => {
                await api('PATCH', `/v2/invites/${encodeURIComponent(i.id)}/resend`).then(
                  () => done(`The invite to ${i.invitee} was sent again.`),
                  (e) => setProblem(messageOf(e)),
                );
              }}
            >
              Resend
            </button>
            <button
              type="button"
              className="button danger-outline small"
              onClick={() =>
                ask({
                  title: `Cancel the invite to ${i.invitee}?`,
                  message: 'The invite stops working; you can send a new one later.',
                  label: 'Cancel invite',
                  run: async () => {
                    await api('DELETE', `${base(org)}/invites/${encodeURIComponent(i.id)}`);
                    return `The invite to ${i.invitee} was cancelled.`;
                  },
                })
              }
            >
              Cancel
            </button>
          </li>
        ))}
        {invites.data?.length === 0 ? <li className="muted">No pending invites.</li> : null}
      </ul>
      <form onSubmit={send} className="form inline">
        <FormField
          id="invitee"
          label="Invite by username or email"
          value={invitee}
          onValue={setInvitee}
          problem={problem}
          required
        />
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select
            id="invite-role"
            value={role}
            onChange={(e) => setRole(e.target.value as OrgRoleName)}
            aria-describedby="invite-role-hint"
          >
            {orgRoles.map((r) => (
              <option key={r.role} value={r.role}>
                {r.label}
              </option>
            ))}
          </select>
          <p id="invite-role-hint" className="hint">
            {roleSentence(role)}
          </p>
        </div>
        <button type="submit" className="button primary">
          Send invite
        </button>
      </form>
    </section>
  );
}
