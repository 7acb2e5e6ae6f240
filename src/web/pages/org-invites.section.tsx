/**
 * Pending invites of an organization (owners): send by username or email with a role (several at
 * once through `POST /v2/invites/bulk`, each answered with its outcome), resend, cancel. Part of
 * the people page (org-people.page.tsx).
 */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { BulkInviteReply, Invite } from '../api/types.ts';
import { refusalOf } from '../components/form-field.tsx';
import { formatDate } from '../lib/format.ts';
import { type OrgRoleName, orgRoles, roleSentence, roleWithArticle } from '../lib/org-roles.ts';
import { messageOf, useLoad } from '../lib/use-load.ts';
import type { SectionProps } from './org-people.page.tsx';

const base = (org: string) => `/v2/orgs/${encodeURIComponent(org)}`;

type Outcome = BulkInviteReply['invitees'][number];

/**
 * The usernames and addresses typed, each once, in order: separated by commas, spaces or new lines.
 * @example inviteesOf('bobby, carol@example.com\nbobby') // ['bobby', 'carol@example.com']
 */
export function inviteesOf(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

/** One invitee's outcome of a bulk invite, in words. */
function outcomeText({ invitee, status }: Outcome, org: string, role: string): string {
  switch (status) {
    case 'invited':
      return `${invitee}: invited as ${roleWithArticle(role as OrgRoleName)}.`;
    case 'existing_org_member':
      return `${invitee}: already a member of ${org}, not invited.`;
    case 'already_invited':
      return `${invitee}: already invited; the pending invite stands.`;
    case 'invalid_email_or_docker_id':
      return `${invitee}: refused, no account has this username and it is not an email address.`;
  }
}

export function Invites({ org, generation, ask, done }: SectionProps & { done: (message: string) => void }) {
  const [invites] = useLoad(
    () => api<{ data: Invite[] }>('GET', `${base(org)}/invites`).then((r) => r.data),
    [org, generation],
  );
  const [invitee, setInvitee] = useState('');
  const [role, setRole] = useState<OrgRoleName>('member');
  const [problem, setProblem] = useState<string>();
  const [outcomes, setOutcomes] = useState<{ role: string; list: Outcome[] }>({ role, list: [] });

  async function send(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    setOutcomes({ role, list: [] });
    const invitees = inviteesOf(invitee);
    const [one] = invitees;
    try {
      if (invitees.length > 1) {
        const reply = await api<BulkInviteReply>('POST', '/v2/invites/bulk', {
          body: { org, role, invitees },
        });
        const sent = reply.invitees.filter((i) => i.status === 'invited').length;
        setOutcomes({ role, list: reply.invitees });
        done(`${sent} of ${reply.invitees.length} invites sent.`);
      } else {
        await api('POST', `${base(org)}/invites`, { body: { invitee: one ?? '', role } });
        done(`${one} was invited as ${roleWithArticle(role)}.`);
      }
      setInvitee('');
    } catch (caught) {
      const refusal = refusalOf(caught, ['invitee', 'invitees']);
      setProblem(refusal.fields.invitee ?? refusal.fields.invitees ?? refusal.banner);
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
        <div className="field">
          <label htmlFor="invitee">Invite by username or email</label>
          <textarea
            id="invitee"
            rows={2}
            value={invitee}
            required
            aria-invalid={problem ? true : undefined}
            aria-describedby="invitee-message"
            onChange={(event) => setInvitee(event.target.value)}
          />
          <p id="invitee-message" className={problem ? 'field-error' : 'hint'}>
            {problem ?? 'Several at once: separate them with commas, spaces or new lines.'}
          </p>
        </div>
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
      {outcomes.list.length ? (
        <ul className="plain-list" aria-label="Invite outcomes">
          {outcomes.list.map((outcome) => (
            <li key={outcome.invitee} data-testid="invite-outcome">
              {outcomeText(outcome, org, outcomes.role)}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
