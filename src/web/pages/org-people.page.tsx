/**
 * An organization's people (`/orgs/:org/people`): every member with their role (owners make them a
 * member, an editor or an owner, and remove; anyone leaves), groups (create, rename, delete, members; owners and editors also their
 * repository permissions), and pending invites (send by username or email, resend, cancel). Every
 * change confirms itself in a polite status line.
 */
import { useState } from 'react';
import type { MemberObject } from '../../api/contract/orgs.contract.ts';
import { api, fetchAllPages } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { ConfirmDialog, ErrorAlert } from '../components/dialog.tsx';
import { Notice, useNotice } from '../components/notice.tsx';
import { When } from '../components/when.tsx';
import { navigateWithNotice } from '../lib/flash.ts';
import { type OrgRoleName, orgRoles, roleName, roleSentence, roleWithArticle } from '../lib/org-roles.ts';
import { Link } from '../lib/router.tsx';
import { useAccount } from '../lib/session.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { useOrganization } from './org.page.tsx';
import { Groups } from './org-groups.section.tsx';
import { Invites } from './org-invites.section.tsx';

const base = (org: string) => `/v2/orgs/${encodeURIComponent(org)}`;

export interface Pending {
  title: string;
  message: string;
  label: string;
  run: () => Promise<string>;
}

export function OrgPeoplePage({ org }: { org: string }) {
  const account = useAccount();
  const [orgLoad] = useOrganization(org);
  const isOwner = orgLoad.data?.role === 'owner' || account.is_admin;
  // Editors manage the groups' repository permissions, nothing else of the organization.
  const canGrant = isOwner || orgLoad.data?.role === 'editor';
  const notice = useNotice();
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);
  const refresh = () => setGeneration((n) => n + 1);

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    setError(undefined);
    try {
      notice.show(await pending.run());
      setPending(undefined);
      refresh();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }
  const ask = (p: Pending) => {
    setError(undefined);
    setPending(p);
  };
  const done = (message: string) => {
    notice.show(message);
    refresh();
  };

  return (
    <section className="page" aria-labelledby="people-title">
      <p className="eyebrow">
        <Link to="/orgs">Organizations</Link> / <Link to={`/orgs/${encodeURIComponent(org)}`}>{org}</Link>
      </p>
      <h1 id="people-title">Members, groups and invites</h1>
      {orgLoad.status === 'error' ? <ErrorAlert message={orgLoad.error} /> : null}
      <Notice notice={notice} />
      <Members org={org} me={account.username} isOwner={isOwner} generation={generation} ask={ask} />
      <Groups org={org} isOwner={isOwner} canGrant={canGrant} generation={generation} ask={ask} done={done} />
      {isOwner ? <Invites org={org} generation={generation} ask={ask} done={done} /> : null}
      {pending ? (
        <ConfirmDialog
          title={pending.title}
          message={pending.message}
          confirmLabel={pending.label}
          busy={busy}
          {...(error ? { error } : {})}
          onConfirm={confirm}
          onClose={() => setPending(undefined)}
        />
      ) : null}
    </section>
  );
}

export interface SectionProps {
  org: string;
  generation: number;
  ask: (pending: Pending) => void;
}

function Members({ org, me, isOwner, generation, ask }: SectionProps & { me: string; isOwner: boolean }) {
  const [members] = useLoad(
    () => fetchAllPages<MemberObject>(`${base(org)}/members`, (reply) => reply as Page<MemberObject>),
    [org, generation],
  );
  const setRole = (member: MemberObject, role: OrgRoleName) =>
    ask({
      title: `Make ${member.username} ${roleWithArticle(role)}?`,
      message: roleSentence(role),
      label: 'Change role',
      run: async () => {
        await api('PUT', `${base(org)}/members/${encodeURIComponent(member.username)}`, { body: { role } });
        return `${member.username} is now ${roleWithArticle(role)}.`;
      },
    });
  const remove = (member: MemberObject) =>
    ask({
      title: member.username === me ? `Leave ${org}?` : `Remove ${member.username}?`,
      message:
        member.username === me
          ? `You lose access to ${org}'s repositories. An owner can invite you again.`
          : `${member.username} leaves every group of ${org} and loses access to its repositories.`,
      label: member.username === me ? 'Leave' : 'Remove',
      run: async () => {
        await api('DELETE', `${base(org)}/members/${encodeURIComponent(member.username)}`);
        if (member.username === me) navigateWithNotice('/orgs', `You left ${org}.`);
        return member.username === me ? `You left ${org}.` : `${member.username} was removed.`;
      },
    });
  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {members.status === 'error' ? <ErrorAlert message={members.error} /> : null}
      <RoleLegend />
      <div className="table-wrap">
        <table className="data-table" aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Groups</th>
              <th scope="col">Joined</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(members.data ?? []).map((m) => (
              <tr key={m.id} data-testid="member-row">
                <td>{m.username}</td>
                <td>
                  {isOwner && roleName(m.role) ? (
                    <select
                      aria-label={`Role of ${m.username}`}
                      value={roleName(m.role)}
                      onChange={(event) => setRole(m, event.target.value as OrgRoleName)}
                    >
                      {orgRoles.map((r) => (
                        <option key={r.role} value={r.role}>
                          {r.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                <td>{m.groups.join(', ') || '—'}</td>
                <td>
                  <When iso={m.date_joined} />
                </td>
                <td className="row-actions">
                  {isOwner || m.username === me ? (
                    <button type="button" className="button danger-outline small" onClick={() => remove(m)}>
                      {m.username === me ? 'Leave' : 'Remove'}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** What each role may do, one line each, beside the roles it explains. */
function RoleLegend() {
  return (
    <dl className="role-legend">
      {orgRoles.map((r) => (
        <div key={r.role}>
          <dt>{r.label}</dt>
          <dd>{r.explanation}</dd>
        </div>
      ))}
    </dl>
  );
}
