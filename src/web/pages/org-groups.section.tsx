/**
 * An organization's groups (all of them, however many pages): create, rename and describe, delete,
 * their members, and their repository
 * permissions (org-group-repositories.section.tsx). Part of the people page (org-people.page.tsx).
 */
import { type FormEvent, useState } from 'react';
import type { GroupMemberObject, GroupObject } from '../../api/contract/orgs.contract.ts';
import { api, fetchAllPages } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { ErrorAlert } from '../components/dialog.tsx';
import { FormField, refusalOf } from '../components/form-field.tsx';
import { messageOf, useLoad } from '../lib/use-load.ts';
import { GroupRepositories } from './org-group-repositories.section.tsx';
import type { SectionProps } from './org-people.page.tsx';

const base = (org: string) => `/v2/orgs/${encodeURIComponent(org)}`;

export function Groups({
  org,
  isOwner,
  canGrant,
  generation,
  ask,
  done,
}: SectionProps & { isOwner: boolean; canGrant: boolean; done: (message: string) => void }) {
  const [groups] = useLoad(
    () => fetchAllPages<GroupObject>(`${base(org)}/groups`, (reply) => reply as Page<GroupObject>),
    [org, generation],
  );
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const [open, setOpen] = useState<string>();

  async function create(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    try {
      await api('POST', `${base(org)}/groups`, { body: { name: name.trim() } });
      setName('');
      done(`Group ${name.trim()} was created.`);
    } catch (caught) {
      const refusal = refusalOf(caught, ['name']);
      setProblem(refusal.fields.name ?? refusal.banner);
    }
  }

  return (
    <section className="card" aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <p className="muted">Groups give their members a permission (read, write or admin) on repositories.</p>
      {groups.status === 'error' ? <ErrorAlert message={groups.error} /> : null}
      <ul className="plain-list" aria-label="Groups">
        {(groups.data ?? []).map((g) => (
          <li key={g.uuid} data-testid="group-row">
            <button
              type="button"
              className="link-button"
              onClick={() => setOpen(open === g.name ? undefined : g.name)}
            >
              {g.name}
            </button>{' '}
            <span className="muted">
              {g.member_count} member{g.member_count === 1 ? '' : 's'}
            </span>
            {g.description ? (
              <span className="group-description" data-testid="group-description">
                {g.description}
              </span>
            ) : null}
            {isOwner ? (
              <button
                type="button"
                className="button danger-outline small"
                onClick={() =>
                  ask({
                    title: `Delete the group ${g.name}?`,
                    message: 'Its members stay in the organization but lose the permissions the group gave.',
                    label: 'Delete group',
                    run: async () => {
                      await api('DELETE', `${base(org)}/groups/${encodeURIComponent(g.name)}`);
                      return `Group ${g.name} was deleted.`;
                    },
                  })
                }
              >
                Delete
              </button>
            ) : null}
            {open === g.name ? (
              <>
                <GroupMembers
                  org={org}
                  group={g.name}
                  description={g.description}
                  isOwner={isOwner}
                  done={done}
                />
                <GroupRepositories org={org} group={g.name} canEdit={canGrant} done={done} />
              </>
            ) : null}
          </li>
        ))}
      </ul>
      {isOwner ? (
        <form onSubmit={create} className="form inline">
          <FormField
            id="group-name"
            label="New group"
            value={name}
            onValue={setName}
            problem={problem}
            hint="1 to 64 characters: a-z, 0-9, dot, underscore, hyphen."
            required
          />
          <button type="submit" className="button primary">
            Create group
          </button>
        </form>
      ) : null}
    </section>
  );
}

function GroupMembers({
  org,
  group,
  description,
  isOwner,
  done,
}: {
  org: string;
  group: string;
  description: string;
  isOwner: boolean;
  done: (message: string) => void;
}) {
  const path = `${base(org)}/groups/${encodeURIComponent(group)}/members`;
  const [members, reload] = useLoad(
    () => fetchAllPages<GroupMemberObject>(path, (reply) => reply as Page<GroupMemberObject>),
    [path],
  );
  const [username, setUsername] = useState('');
  const [problem, setProblem] = useState<string>();
  const [rename, setRename] = useState(group);
  const [about, setAbout] = useState(description);
  const [renameProblem, setRenameProblem] = useState<string>();

  async function add(event: FormEvent) {
    event.preventDefault();
    setProblem(undefined);
    try {
      await api('POST', path, { body: { member: username.trim() } });
      done(`${username.trim()} was added to ${group}.`);
      setUsername('');
      reload();
    } catch (caught) {
      const refusal = refusalOf(caught, ['member']);
      setProblem(refusal.fields.member ?? refusal.banner);
    }
  }
  async function saveName(event: FormEvent) {
    event.preventDefault();
    setRenameProblem(undefined);
    try {
      const saved = await api<GroupObject>('PATCH', `${base(org)}/groups/${encodeURIComponent(group)}`, {
        body: { name: rename.trim(), description: about.trim() },
      });
      done(
        saved.name === group ? `Group ${group} was saved.` : `Group ${group} is now called ${saved.name}.`,
      );
    } catch (caught) {
      const refusal = refusalOf(caught, ['name', 'description']);
      setRenameProblem(refusal.fields.name ?? refusal.fields.description ?? refusal.banner);
    }
  }
  return (
    <div className="nested">
      <ul className="plain-list" aria-label={`Members of ${group}`}>
        {(members.data ?? []).map((m) => (
          <li key={m.username}>
            {m.username}{' '}
            {isOwner ? (
              <button
                type="button"
                className="button small"
                onClick={async () => {
                  setProblem(undefined);
                  try {
                    await api('DELETE', `${path}/${encodeURIComponent(m.username)}`);
                    done(`${m.username} left ${group}.`);
                    reload();
                  } catch (caught) {
                    setProblem(messageOf(caught));
                  }
                }}
              >
                Take out
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {isOwner ? (
        <>
          <form onSubmit={add} className="form inline">
            <FormField
              id={`add-${group}`}
              label={`Add a member to ${group}`}
              value={username}
              onValue={setUsername}
              problem={problem}
              required
            />
            <button type="submit" className="button primary">
              Add
            </button>
          </form>
          <form onSubmit={saveName} className="form inline">
            <FormField
              id={`rename-${group}`}
              label="Group name"
              value={rename}
              onValue={setRename}
              problem={renameProblem}
              required
            />
            <FormField
              id={`describe-${group}`}
              label="Description"
              value={about}
              onValue={setAbout}
              maxLength={255}
            />
            <button type="submit" className="button primary">
              Save group
            </button>
          </form>
        </>
      ) : null}
    </div>
  );
}
